import type { Pool } from 'pg';
import type { Logger } from '../../core/logging';
import type { LevelCache } from './cache';
import { toView, type LevelView } from './level';
import { LEVEL_COLUMNS, levelFromRow, type LevelRow } from './store';

/**
 * Refills Redis from PostgreSQL, whole SKUs at a time (a cached SKU always has all its
 * locations), paging by SKU. Returns the number of SKUs written; logs progress as it goes.
 */
export async function refillCache(pool: Pool, cache: LevelCache, logger: Logger, skusPerPage = 2_000): Promise<number> {
  const { rows: countRows } = await pool.query<{ n: number }>('SELECT count(DISTINCT sku)::int AS n FROM stock_levels');
  const total = countRows[0]?.n ?? 0;
  let after = '';
  let done = 0;
  const started = Date.now();
  for (;;) {
    const { rows } = await pool.query<LevelRow & { updated_at: Date }>(
      `SELECT ${LEVEL_COLUMNS}, updated_at FROM stock_levels
       WHERE sku IN (SELECT DISTINCT sku FROM stock_levels WHERE sku > $1 ORDER BY sku LIMIT $2)
       ORDER BY sku`,
      [after, skusPerPage],
    );
    if (rows.length === 0) break;
    const bySku = new Map<string, LevelView[]>();
    for (const row of rows) {
      const list = bySku.get(row.sku) ?? [];
      list.push(toView(levelFromRow(row), row.updated_at.toISOString()));
      bySku.set(row.sku, list);
    }
    if (!(await cache.fill(bySku, 0))) {
      logger.warn({ done, total }, 'cache refill stopped: Redis unavailable');
      return done;
    }
    done += bySku.size;
    after = rows[rows.length - 1]!.sku;
    logger.info({ done, total, percent: total === 0 ? 100 : Math.round((100 * done) / total) }, 'cache refill progress');
  }
  logger.info({ skus: done, seconds: (Date.now() - started) / 1000 }, 'cache refilled from PostgreSQL');
  return done;
}
