import type { Pool } from 'pg';
import { DependencyError } from '../../../core/errors';
import { levelKey } from '../../levels';
import type { DriftRow } from './compare';

/**
 * A level the Shopify channel parked: Shopify kept refusing it, so the channel no longer pushes
 * it and Shopify shows an older number until someone retries it (stockhub-shopify-parked). The
 * report lists them beside the drift: such drift is not fixed by waiting.
 */
export interface ParkedLevel {
  sku: string;
  location: string;
  /** The available the channel wants Shopify to show. */
  wanted: number;
  attempts: number;
  reason: string | null;
  parkedAt: string;
  /** Whether this run found drift for it in Shopify. */
  drift: boolean;
}

/** The channel's parked levels among `skus` (the report's selection), flagged with the drift found. */
export async function readParkedLevels(pool: Pool, channel: string, skus: readonly string[], rows: readonly DriftRow[]): Promise<ParkedLevel[]> {
  if (skus.length === 0) return [];
  // The selection can be the whole catalogue; parked levels are few (partial index shopify_push_parked).
  const selected = new Set(skus);
  let found;
  try {
    found = await pool.query<{ sku: string; location_id: string; wanted: number; attempts: number; last_error: string | null; parked_at: Date }>(
      `SELECT sku, location_id, wanted, attempts, last_error, parked_at FROM shopify_push
        WHERE channel = $1 AND parked_at IS NOT NULL ORDER BY sku, location_id`,
      [channel],
    );
  } catch (error) {
    throw new DependencyError(`the hub's database (HUB_PG_URL): ${error instanceof Error ? error.message : String(error)}`, 'postgresql', { cause: error });
  }
  const drifting = new Set(rows.filter((r) => r.system === 'shopify').map((r) => levelKey(r.sku, r.location)));
  return found.rows.filter((r) => selected.has(r.sku)).map((r) => ({
    sku: r.sku,
    location: r.location_id,
    wanted: r.wanted,
    attempts: r.attempts,
    reason: r.last_error,
    parkedAt: r.parked_at.toISOString(),
    drift: drifting.has(levelKey(r.sku, r.location_id)),
  }));
}
