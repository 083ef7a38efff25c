import type { Pool } from 'pg';
import { inTransaction } from '../db';
import { LEVEL_COLUMNS, levelFromRow, toView, type LevelRow, type LevelView } from '../levels';

export interface NetworkAvailability {
  sku: string;
  /** Available to promise across every location. */
  available: number;
}

export interface FeedBatch {
  /** The store's own levels that changed. */
  levels: LevelView[];
  /** Network availability of every SKU that changed anywhere. */
  network: NetworkAvailability[];
  /** Resume point: every change of a transaction below it has been read. */
  cursor: string;
}

/**
 * Reads what changed since a cursor, for one store. The cursor is a transaction id horizon
 * (pg_snapshot_xmin): rows changed by transactions in [cursor, xmin) are final, because every
 * transaction below xmin has finished. Reading by commit-safe horizon rather than by a sequence
 * number means a transaction that committed late is never skipped.
 */
export async function changesSince(pool: Pool, storeId: string, cursor: string): Promise<FeedBatch> {
  return inTransaction(pool, async (db) => {
    const { rows: horizon } = await db.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
    const xmin = horizon[0]!.xmin;
    // The store's own rows only: a full snapshot (cursor 0) must not drag every store's levels through.
    const { rows } = await db.query<LevelRow & { updated_at: Date }>(
      `SELECT ${LEVEL_COLUMNS}, updated_at FROM stock_levels
       WHERE location_id = $3 AND change_txid >= $1::xid8 AND change_txid < $2::xid8 ORDER BY change_txid`,
      [cursor, xmin, storeId],
    );
    const { rows: totals } = await db.query<{ sku: string; available: number }>(
      `SELECT sku, sum(on_hand - reserved - safety_stock) AS available FROM stock_levels
       WHERE sku IN (SELECT sku FROM stock_levels WHERE change_txid >= $1::xid8 AND change_txid < $2::xid8)
       GROUP BY sku`,
      [cursor, xmin],
    );
    return {
      levels: rows.map((r) => toView(levelFromRow(r), r.updated_at.toISOString())),
      network: totals.map((t) => ({ sku: t.sku, available: t.available })),
      cursor: xmin,
    };
  }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

/** The current horizon: a feed started here sends only what changes from now on. */
export async function currentCursor(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
  return rows[0]!.xmin;
}
