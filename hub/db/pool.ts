import { Pool, types } from 'pg';
import type { Logger } from '../../core/logging';

// NUMERIC comes back as a string by default; stock quantities fit a double exactly.
types.setTypeParser(types.builtins.NUMERIC, (value) => Number(value));
// BIGINT (seq, offsets, versions) stays far below 2^53 here.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/** A pool on the hub's database; errors of idle clients are logged, not fatal. */
export function createPool(url: string, logger: Logger, max = 10): Pool {
  const pool = new Pool({ connectionString: url, max });
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle PostgreSQL client error'));
  return pool;
}
