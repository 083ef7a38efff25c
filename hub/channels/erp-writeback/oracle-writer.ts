import type { InterfaceLimits, TextColumn } from './interface-limits';
import type { InterfaceRow } from './interface-rows';
import type { InterfaceWriter } from './interface-writer';
import { fromOracleError, oracleCode } from './oracle-errors';

/** The parts of oracledb 6 (Thin mode) the writer uses; the package ships no types. */
export interface OracleDriver {
  DB_TYPE_VARCHAR: unknown;
  DB_TYPE_NUMBER: unknown;
  createPool(options: OraclePoolOptions): Promise<OraclePool>;
}
export interface OraclePoolOptions {
  user: string;
  password: string;
  connectString: string;
  poolMin: number;
  poolMax: number;
  poolIncrement: number;
  /** ms a caller waits for a free connection. */
  queueTimeout: number;
  /** Seconds to establish a connection, and its transport. */
  connectTimeout: number;
  transportConnectTimeout: number;
}
export interface OraclePool {
  getConnection(): Promise<OracleConnection>;
  close(drainTimeSeconds: number): Promise<void>;
}
/** A failed row of executeMany with batchErrors: `offset` is its index in the binds. */
export interface OracleBatchError extends Error {
  offset: number;
}
export interface OracleBindDef {
  type: unknown;
  maxSize?: number;
}
export interface ExecuteManyOptions {
  autoCommit: boolean;
  batchErrors: boolean;
  bindDefs: Record<string, OracleBindDef>;
}
export interface OracleConnection {
  /** ms one round trip may take. */
  callTimeout: number;
  executeMany(sql: string, binds: Array<Record<string, unknown>>, options: ExecuteManyOptions): Promise<{ rowsAffected?: number; batchErrors?: OracleBatchError[] }>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OracleSettings {
  connectString: string;
  user: string;
  password: string;
  poolMax: number;
  /** Longest wait for a pooled connection, for a new connection and for each round trip, in ms. */
  timeoutMs: number;
}

/**
 * The name connectors/production/erp-oracle-hubimp.sql gives the UNIQUE constraint on HUBEVT: an
 * ORA-00001 on it means the row is in the table already. One on any other constraint (the
 * primary key, its identity reset) fails the batch, so that no row is taken for written when it
 * was not.
 */
const HUBEVT_CONSTRAINT = 'HUBIMP_HUBEVT_UK';

/**
 * TRNDT is bound as the text of its UTC wall-clock time and converted in SQL with a fixed
 * format: a bound Date would go through a client or session time zone, and the NLS settings
 * would decide how text without a format reads.
 */
const TRNDT_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF9';
const TRNDT_CHARS = 'YYYY-MM-DDTHH:MI:SS.fffffffff'.length;

const ORACLE_INSERT = `INSERT INTO "ERPADM"."HUBIMP" ("HUBEVT", "ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "TRNDT")
VALUES (:HUBEVT, :ITMCD, :BRNCD, :MVTTYP, :QTY, :DOCNO, TO_TIMESTAMP(:TRNDT, '${TRNDT_FORMAT}'))`;

/** maxSize counts bytes (UTF-8), the limits count characters (VARCHAR2(n CHAR)); 4 bytes is UTF-8's widest character. */
const UTF8_MAX_BYTES = 4;
/** MVTTYP is CHAR(3): the ERP's own codes (config/mappings/erp.json), never a hub value, so not in the limits file. */
const TYPE_CODE_CHARS = 3;
const POOL_DRAIN_SECONDS = 10;

/** `occurredAt` (ISO 8601 with an offset) as UTC wall-clock text, keeping the fraction of a second it has (up to 9 digits). */
export function utcTimestamp(occurredAt: string): string {
  const fraction = /\.(\d+)/.exec(occurredAt)?.[1] ?? '';
  return `${new Date(occurredAt).toISOString().slice(0, 19)}.${fraction.padEnd(9, '0').slice(0, 9)}`;
}

/** Explicit bind types and sizes, from the interface limits, so that no batch's first row decides them. */
export function bindDefinitions(types: Pick<OracleDriver, 'DB_TYPE_VARCHAR' | 'DB_TYPE_NUMBER'>, limits: InterfaceLimits): Record<string, OracleBindDef> {
  const text = (column: TextColumn): OracleBindDef => ({ type: types.DB_TYPE_VARCHAR, maxSize: limits.columns[column].maxLength * UTF8_MAX_BYTES });
  return {
    HUBEVT: text('HUBEVT'),
    ITMCD: text('ITMCD'),
    BRNCD: text('BRNCD'),
    MVTTYP: { type: types.DB_TYPE_VARCHAR, maxSize: TYPE_CODE_CHARS * UTF8_MAX_BYTES },
    QTY: { type: types.DB_TYPE_NUMBER },
    DOCNO: text('DOCNO'),
    TRNDT: { type: types.DB_TYPE_VARCHAR, maxSize: TRNDT_CHARS },
  };
}

const bindsOf = (row: InterfaceRow): Record<string, unknown> => ({
  HUBEVT: row.hubEventId,
  ITMCD: row.itemCode,
  BRNCD: row.branchCode,
  MVTTYP: row.typeCode,
  QTY: row.quantity,
  DOCNO: row.document,
  TRNDT: utcTimestamp(row.occurredAt),
});

const isAlreadyWritten = (error: OracleBatchError): boolean => oracleCode(error) === 'ORA-00001' && error.message.includes(`.${HUBEVT_CONSTRAINT})`);

/**
 * The production ERP's interface table on Oracle, through a pool of Thin-mode connections.
 * executeMany of a plain INSERT with batchErrors, rather than a MERGE: the UNIQUE constraint on
 * HUBEVT stays the one judge of "already written" (two sessions merging the same new row would
 * both find it absent, and one would get ORA-00001 all the same), and a refused value comes back
 * for its own row instead of failing the statement. Each batch is one transaction: committed
 * when every failed row was a duplicate, rolled back otherwise, so a batch is never half written
 * and the consumer runtime can narrow it down to the row at fault. No autoCommit: whether a
 * batch with failed rows is committed is this decision, not the driver's.
 */
export class OracleInterfaceWriter implements InterfaceWriter {
  constructor(
    private readonly pool: OraclePool,
    private readonly bindDefs: Record<string, OracleBindDef>,
    private readonly callTimeoutMs: number,
  ) {}

  async write(rows: readonly InterfaceRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.withConnection(async (connection) => {
      const result = await connection.executeMany(ORACLE_INSERT, rows.map(bindsOf), { autoCommit: false, batchErrors: true, bindDefs: this.bindDefs });
      const failed = result.batchErrors ?? [];
      const refused = failed.find((error) => !isAlreadyWritten(error));
      if (refused !== undefined) {
        await connection.rollback();
        throw fromOracleError(refused, `row ${refused.offset} of ${rows.length} (HUBEVT ${rows[refused.offset]?.hubEventId ?? '?'})`);
      }
      await connection.commit();
      // Every row either went in or came back as a batch error, and those left are duplicates.
      return rows.length - failed.length;
    });
  }

  ping(): Promise<boolean> {
    return this.withConnection(async (connection) => {
      await connection.ping();
      return true;
    });
  }

  close(): Promise<void> {
    return this.pool.close(POOL_DRAIN_SECONDS);
  }

  private async withConnection<R>(work: (connection: OracleConnection) => Promise<R>): Promise<R> {
    let connection: OracleConnection | undefined;
    try {
      connection = await this.pool.getConnection();
      connection.callTimeout = this.callTimeoutMs;
      return await work(connection);
    } catch (error) {
      throw fromOracleError(error);
    } finally {
      // Releasing rolls back whatever is uncommitted. Releasing a connection that broke mid-batch
      // can fail too; the batch's own error already says what happened.
      await connection?.close().catch(() => undefined);
    }
  }
}

export async function createOracleWriter(settings: OracleSettings, limits: InterfaceLimits): Promise<OracleInterfaceWriter> {
  // Loaded only when chosen, so the stand-in's path never loads the driver. Thin mode (pure
  // JavaScript, no Instant Client) is the default as long as initOracleClient is never called.
  const oracledb = require('oracledb') as OracleDriver;
  const seconds = Math.ceil(settings.timeoutMs / 1000);
  // poolMin 0: the pool connects on first use, so the write-back starts (and retries) while the ERP is down.
  const pool = await oracledb.createPool({
    user: settings.user,
    password: settings.password,
    connectString: settings.connectString,
    poolMin: 0,
    poolMax: settings.poolMax,
    poolIncrement: 1,
    queueTimeout: settings.timeoutMs,
    connectTimeout: seconds,
    transportConnectTimeout: seconds,
  });
  return new OracleInterfaceWriter(pool, bindDefinitions(oracledb, limits), settings.timeoutMs);
}
