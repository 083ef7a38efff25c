import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on a pooled client: COMMIT when it resolves, ROLLBACK when it
 * throws (the error goes on), and the client back to the pool either way. `begin` sets the
 * isolation level when READ COMMITTED is not enough.
 */
export async function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query(begin);
    const result = await work(db);
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}
