import type { Pool } from 'pg';
import type { Logger } from '../../core/logging';
import { LEVEL_COLUMNS, levelFromRow, toView, type LevelCache, type LevelRow, type LevelView } from '../levels';

export interface StockAnswer {
  sku: string;
  locations: LevelView[];
  total: { onHand: number; reserved: number; available: number };
  /** cache: Redis; database: PostgreSQL (a cache miss, or Redis down). */
  servedFrom: 'cache' | 'database';
}

/**
 * Answers stock queries from Redis, and from PostgreSQL on a miss or with Redis down; what a
 * miss read from PostgreSQL is put back in Redis.
 */
export class StockReader {
  constructor(
    private readonly pool: Pool,
    private readonly cache: LevelCache,
    private readonly logger: Logger,
  ) {}

  async read(skus: readonly string[]): Promise<StockAnswer[]> {
    const cached = await this.cache.read(skus);
    const fromDb = cached === null ? [...skus] : cached.misses;
    const loaded = fromDb.length > 0 ? await this.fromDatabase(fromDb) : new Map<string, LevelView[]>();
    if (cached !== null && loaded.size > 0) void this.cache.fillOnMiss(loaded);
    return skus.map((sku) => {
      const hit = cached?.hits.get(sku);
      const locations = (hit ?? loaded.get(sku) ?? []).sort(byLocation);
      return { sku, locations, total: totals(locations), servedFrom: hit ? 'cache' : 'database' };
    });
  }

  private async fromDatabase(skus: readonly string[]): Promise<Map<string, LevelView[]>> {
    const { rows } = await this.pool.query<LevelRow & { updated_at: Date }>(`SELECT ${LEVEL_COLUMNS}, updated_at FROM stock_levels WHERE sku = ANY($1::text[])`, [skus]);
    const bySku = new Map<string, LevelView[]>();
    for (const row of rows) {
      const list = bySku.get(row.sku) ?? [];
      list.push(toView(levelFromRow(row), row.updated_at.toISOString()));
      bySku.set(row.sku, list);
    }
    this.logger.debug({ skus: skus.length, found: bySku.size }, 'read from PostgreSQL');
    return bySku;
  }
}

function totals(locations: readonly LevelView[]): StockAnswer['total'] {
  return locations.reduce((t, l) => ({ onHand: t.onHand + l.onHand, reserved: t.reserved + l.reserved, available: t.available + l.available }), { onHand: 0, reserved: 0, available: 0 });
}

// A plain comparison: localeCompare goes through ICU and cost a tenth of a request's time.
const byLocation = (a: LevelView, b: LevelView): number => (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0);
