import type { Logger } from '../../../core/logging';
import type { WritebackConfig } from './config';
import type { InterfaceLimits } from './interface-limits';
import type { InterfaceRow } from './interface-rows';
import { createOracleWriter } from './oracle-writer';
import { createPostgresWriter } from './postgres-writer';

/**
 * The ERP's interface table, in whichever database holds it: the stand-in's PostgreSQL or
 * production's Oracle. The stage sees only this, so both take the same path through the
 * consumer runtime: a row's content refused is an InvalidInputError (the runtime narrows the
 * batch down to that row and dead-letters it), an unreachable database a retriable error.
 */
export interface InterfaceWriter {
  /**
   * Inserts the rows in one transaction and returns how many were new: a row whose hub event id
   * (HUBEVT, unique) the table holds already is not written again, so a re-consumed batch is
   * harmless.
   */
  write(rows: readonly InterfaceRow[]): Promise<number>;
  /** True when the database answers; throws or returns false otherwise. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The writer WRITEBACK_ERP_DB chose. */
export async function openInterfaceWriter(config: WritebackConfig, limits: InterfaceLimits, logger: Logger): Promise<InterfaceWriter> {
  const timeoutMs = config.WRITEBACK_ERP_TIMEOUT_MS;
  if (config.WRITEBACK_ERP_DB === 'oracle') {
    return createOracleWriter(
      { connectString: config.ERP_ORACLE_CONNECT_STRING, user: config.ERP_ORACLE_USER, password: config.ERP_ORACLE_PASSWORD, poolMax: config.ERP_ORACLE_POOL_MAX, timeoutMs },
      limits,
    );
  }
  return createPostgresWriter(
    { host: config.ERP_PG_HOST, port: config.ERP_PG_PORT, database: config.ERP_PG_DATABASE, user: config.ERP_PG_USER, password: config.ERP_PG_PASSWORD, timeoutMs },
    logger,
  );
}
