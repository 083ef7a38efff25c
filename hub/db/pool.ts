import { Pool, types } from 'pg';
import type { Logger } from '../../core/logging';

// NUMERIC comes back as a string by default; stock quantities fit a double exactly.
types.setTypeParser(types.builtins.NUMERIC, (value) => Number(value));
// BIGINT (seq, offsets, versions) stays far below 2^53 here.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/**
 * Longest wait for a connection, and for one query's answer, in ms. A database behind a network
 * that drops packets never answers: without these, each retry of a batch would take another
 * client until the pool is used up. The query bound stays below the consumer runtime's handle
 * timeout, so the query fails (and its client is released) before the batch gives up on it.
 */
const CONNECT_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 25_000;

/** A pool on the hub's database; errors of idle clients are logged, not fatal. */
export function createPool(url: string, logger: Logger, max = 10): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS, keepAlive: true });
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle PostgreSQL client error'));
  return pool;
}
