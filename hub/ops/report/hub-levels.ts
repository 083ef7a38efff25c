import type { Pool, QueryResultRow } from 'pg';
import { DependencyError } from '../../../core/errors';
import { levelKey } from '../../levels';

/** The hub's numbers for one SKU at one location. */
export interface HubLevel {
  onHand: number;
  reserved: number;
  safetyStock: number;
}

export interface SkuSelection {
  /** SKUs asked for by name (--sku, --skus-from); null: every SKU the hub has a level for. */
  skus: readonly string[] | null;
  /** Only SKUs whose hub level changed since then (stock_levels.updated_at). */
  changedSince: Date | null;
  locations: readonly string[] | null;
  limit: number | null;
}

/** The hub's side of the report: stock_levels, read only. */
export class HubLevels {
  constructor(private readonly pool: Pool) {}

  /** The SKUs to compare, in a stable order (as given, or by SKU) so that --limit is repeatable. */
  async skus(selection: SkuSelection): Promise<string[]> {
    const { skus, changedSince, locations, limit } = selection;
    if (skus !== null && changedSince === null) return limit === null ? [...skus] : skus.slice(0, limit);
    const { rows } = await this.query<{ sku: string }>(
      `SELECT DISTINCT sku FROM stock_levels
       WHERE ($1::text[] IS NULL OR sku = ANY($1)) AND ($2::timestamptz IS NULL OR updated_at >= $2)
         AND ($3::text[] IS NULL OR location_id = ANY($3))
       ORDER BY sku`,
      [skus, changedSince, locations],
    );
    const found = rows.map((r) => r.sku);
    const changed = new Set(found);
    const ordered = skus === null ? found : skus.filter((sku) => changed.has(sku));
    return limit === null ? ordered : ordered.slice(0, limit);
  }

  async levels(skus: readonly string[], locations: readonly string[] | null): Promise<Map<string, HubLevel>> {
    const { rows } = await this.query<{ sku: string; location_id: string; on_hand: number; reserved: number; safety_stock: number }>(
      `SELECT sku, location_id, on_hand, reserved, safety_stock FROM stock_levels
       WHERE sku = ANY($1) AND ($2::text[] IS NULL OR location_id = ANY($2))`,
      [skus, locations],
    );
    return new Map(rows.map((r) => [levelKey(r.sku, r.location_id), { onHand: Number(r.on_hand), reserved: Number(r.reserved), safetyStock: Number(r.safety_stock) }]));
  }

  /** What the reconciler did with these event ids so far (applied or stale); absent: not yet seen. */
  async ledgerEffects(eventIds: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.query<{ event_id: string; effect: string }>('SELECT event_id, effect FROM ledger WHERE event_id = ANY($1)', [eventIds]);
    return new Map(rows.map((r) => [r.event_id, r.effect]));
  }

  private async query<R extends QueryResultRow>(sql: string, params: unknown[]): Promise<{ rows: R[] }> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (error) {
      throw new DependencyError(`the hub's database (HUB_PG_URL): ${error instanceof Error ? error.message : String(error)}`, 'postgresql', { cause: error });
    }
  }
}
