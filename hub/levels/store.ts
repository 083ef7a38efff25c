import type { PoolClient } from 'pg';
import type { Level } from './level';
import { levelKey } from './level';

interface LevelRow {
  sku: string;
  location_id: string;
  on_hand: number;
  reserved: number;
  safety_stock: number;
  last_count_at: Date | null;
  last_delta_at: Date | null;
  version: number;
}

const fromRow = (r: LevelRow): Level => ({
  sku: r.sku,
  locationId: r.location_id,
  onHand: r.on_hand,
  reserved: r.reserved,
  safetyStock: r.safety_stock,
  lastCountAt: r.last_count_at?.getTime() ?? null,
  lastDeltaAt: r.last_delta_at?.getTime() ?? null,
  version: r.version,
});

export const LEVEL_COLUMNS = 'sku, location_id, on_hand, reserved, safety_stock, last_count_at, last_delta_at, version';

/**
 * Creates the missing levels and locks all of them (FOR UPDATE, in key order so that the
 * reconciler and the reservation API never deadlock), inside the caller's transaction.
 */
export async function lockLevels(db: PoolClient, keys: ReadonlyArray<{ sku: string; locationId: string }>): Promise<Map<string, Level>> {
  const skus = keys.map((k) => k.sku);
  const locations = keys.map((k) => k.locationId);
  await db.query('INSERT INTO stock_levels (sku, location_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [skus, locations]);
  const { rows } = await db.query<LevelRow>(
    `SELECT ${LEVEL_COLUMNS} FROM stock_levels
     WHERE (sku, location_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     ORDER BY sku, location_id FOR UPDATE`,
    [skus, locations],
  );
  return new Map(rows.map((r) => [levelKey(r.sku, r.location_id), fromRow(r)]));
}

/** Writes changed levels back and queues them in the outbox, inside the caller's transaction. */
export async function saveLevels(db: PoolClient, levels: readonly Level[]): Promise<void> {
  if (levels.length === 0) return;
  const toIso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  await db.query(
    `UPDATE stock_levels l SET on_hand = u.on_hand, reserved = u.reserved, last_count_at = u.last_count_at,
            last_delta_at = u.last_delta_at, version = u.version, updated_at = now(),
            change_txid = pg_current_xact_id()
     FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::timestamptz[], $6::timestamptz[], $7::bigint[])
          AS u(sku, location_id, on_hand, reserved, last_count_at, last_delta_at, version)
     WHERE l.sku = u.sku AND l.location_id = u.location_id`,
    [
      levels.map((l) => l.sku),
      levels.map((l) => l.locationId),
      levels.map((l) => l.onHand),
      levels.map((l) => l.reserved),
      levels.map((l) => toIso(l.lastCountAt)),
      levels.map((l) => toIso(l.lastDeltaAt)),
      levels.map((l) => l.version),
    ],
  );
  await db.query('INSERT INTO level_outbox (sku, location_id) SELECT * FROM unnest($1::text[], $2::text[])', [levels.map((l) => l.sku), levels.map((l) => l.locationId)]);
}

export { fromRow as levelFromRow, type LevelRow };
