import { Pool } from 'pg';
import type { Logger } from '../../../core/logging';
import type { InterfaceRow } from './interface-rows';
import type { InterfaceWriter } from './interface-writer';

export interface PostgresSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Longest wait for a connection and for each query, in ms. */
  timeoutMs: number;
}

/**
 * The interface table of the ERP stand-in (connectors/standins/erp-postgres/interface.sql). One
 * statement per batch, so the batch is one transaction. pg's errors are left as they are: core's
 * isRetriable reads their SQLSTATE (class 22, a value the column cannot hold, is the row's fault;
 * class 08, a lost connection, passes).
 */
export class PostgresInterfaceWriter implements InterfaceWriter {
  constructor(private readonly pool: Pick<Pool, 'query' | 'end'>) {}

  /** ON CONFLICT on the unique HUBEVT makes a batch consumed twice insert nothing twice. TRNDT is written in UTC, as the hub keeps time. */
  async write(rows: readonly InterfaceRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.pool.query(
      `INSERT INTO "ERPADM"."HUBIMP" ("HUBEVT", "ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "TRNDT")
     SELECT e, i, b, t, q, d, (o::timestamptz AT TIME ZONE 'UTC')
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[]) AS u(e, i, b, t, q, d, o)
     ON CONFLICT ("HUBEVT") DO NOTHING`,
      [
        rows.map((r) => r.hubEventId),
        rows.map((r) => r.itemCode),
        rows.map((r) => r.branchCode),
        rows.map((r) => r.typeCode),
        rows.map((r) => r.quantity),
        rows.map((r) => r.document),
        rows.map((r) => r.occurredAt),
      ],
    );
    return result.rowCount ?? 0;
  }

  async ping(): Promise<boolean> {
    return (await this.pool.query('SELECT 1')).rowCount === 1;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export function createPostgresWriter(settings: PostgresSettings, logger: Logger): PostgresInterfaceWriter {
  const { timeoutMs, ...connection } = settings;
  const pool = new Pool({ ...connection, max: 2, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // An idle client whose server went away emits 'error'; without a listener that kills the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle ERP connection lost'));
  return new PostgresInterfaceWriter(pool);
}
