import { DependencyError, InvalidInputError, isRetriable } from '../../../../core/errors';
import { loadInterfaceLimits } from '../../../../hub/channels/erp-writeback/interface-limits';
import type { InterfaceRow } from '../../../../hub/channels/erp-writeback/interface-rows';
import {
  bindDefinitions,
  OracleInterfaceWriter,
  utcTimestamp,
  type ExecuteManyOptions,
  type OracleBatchError,
  type OracleConnection,
  type OracleDriver,
  type OraclePool,
} from '../../../../hub/channels/erp-writeback/oracle-writer';

// The real driver's type constants (loading it opens nothing); the pool and its connections are mocks.
const oracledb = require('oracledb') as OracleDriver;
const limits = loadInterfaceLimits();
const TIMEOUT_MS = 15_000;

const row = (n: number, overrides: Partial<InterfaceRow> = {}): InterfaceRow => ({
  hubEventId: `ev-${n}`,
  itemCode: '10004711',
  branchCode: 'S003',
  typeCode: 'SAL',
  quantity: -2.5,
  document: `R${n}`,
  occurredAt: '2026-11-29T11:00:00.25+01:00',
  ...overrides,
});

const batchError = (offset: number, message: string): OracleBatchError => Object.assign(new Error(message), { offset });
const DUPLICATE = 'ORA-00001: unique constraint (ERPADM.HUBIMP_HUBEVT_UK) violated on table ERPADM.HUBIMP columns (HUBEVT)';

/** A pool of one mock connection whose executeMany answers `answer` (or throws it). */
function oracle(answer: () => Promise<{ rowsAffected?: number; batchErrors?: OracleBatchError[] }>) {
  const calls: Array<{ sql: string; binds: Array<Record<string, unknown>>; options: ExecuteManyOptions; callTimeout: number }> = [];
  const connection = {
    callTimeout: 0,
    executeMany: jest.fn(async (sql: string, binds: Array<Record<string, unknown>>, options: ExecuteManyOptions) => {
      calls.push({ sql, binds, options, callTimeout: connection.callTimeout });
      return answer();
    }),
    commit: jest.fn(async () => undefined),
    rollback: jest.fn(async () => undefined),
    ping: jest.fn(async () => undefined),
    close: jest.fn(async () => undefined),
  } satisfies OracleConnection;
  const pool = { getConnection: jest.fn(async () => connection), close: jest.fn(async () => undefined) } satisfies OraclePool;
  return { calls, connection, pool, writer: new OracleInterfaceWriter(pool, bindDefinitions(oracledb, limits), TIMEOUT_MS) };
}

describe('the Oracle interface writer', () => {
  it('inserts the batch with executeMany: named binds, explicit bind types and sizes from the interface limits, TRNDT in UTC, one commit', async () => {
    const { calls, connection, writer } = oracle(async () => ({ rowsAffected: 2, batchErrors: [] }));
    await expect(writer.write([row(1), row(2, { document: null, occurredAt: '2026-11-29T10:00:00Z' })])).resolves.toBe(2);

    expect(calls).toHaveLength(1);
    const [{ sql, binds, options, callTimeout }] = calls as [(typeof calls)[0]];
    expect(sql.replace(/\s+/g, ' ')).toBe(
      `INSERT INTO "ERPADM"."HUBIMP" ("HUBEVT", "ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "TRNDT") VALUES (:HUBEVT, :ITMCD, :BRNCD, :MVTTYP, :QTY, :DOCNO, TO_TIMESTAMP(:TRNDT, 'YYYY-MM-DD"T"HH24:MI:SS.FF9'))`,
    );
    expect(binds).toEqual([
      { HUBEVT: 'ev-1', ITMCD: '10004711', BRNCD: 'S003', MVTTYP: 'SAL', QTY: -2.5, DOCNO: 'R1', TRNDT: '2026-11-29T10:00:00.250000000' },
      { HUBEVT: 'ev-2', ITMCD: '10004711', BRNCD: 'S003', MVTTYP: 'SAL', QTY: -2.5, DOCNO: null, TRNDT: '2026-11-29T10:00:00.000000000' },
    ]);
    const text = (chars: number) => ({ type: oracledb.DB_TYPE_VARCHAR, maxSize: chars * 4 });
    expect(options).toEqual({
      autoCommit: false,
      batchErrors: true,
      bindDefs: { HUBEVT: text(64), ITMCD: text(20), BRNCD: text(6), MVTTYP: text(3), QTY: { type: oracledb.DB_TYPE_NUMBER }, DOCNO: text(20), TRNDT: { type: oracledb.DB_TYPE_VARCHAR, maxSize: 29 } },
    });
    expect(callTimeout).toBe(TIMEOUT_MS);
    expect(connection.commit).toHaveBeenCalledTimes(1);
    expect(connection.rollback).not.toHaveBeenCalled();
    expect(connection.close).toHaveBeenCalledTimes(1);
  });

  it('counts a row whose HUBEVT is in the table already (ORA-00001 on its constraint) as not inserted, not as an error', async () => {
    const { connection, writer } = oracle(async () => ({ rowsAffected: 1, batchErrors: [batchError(0, DUPLICATE), batchError(2, DUPLICATE)] }));
    await expect(writer.write([row(1), row(2), row(3)])).resolves.toBe(1);
    expect(connection.commit).toHaveBeenCalledTimes(1);
    expect(connection.rollback).not.toHaveBeenCalled();
  });

  it('fails the whole batch, rolled back, on any other batch error: a value too large is the row’s fault, naming column and event', async () => {
    const tooLarge = batchError(1, 'ORA-12899: value too large for column "ERPADM"."HUBIMP"."ITMCD" (actual: 25, maximum: 20)');
    const { connection, writer } = oracle(async () => ({ rowsAffected: 1, batchErrors: [batchError(0, DUPLICATE), tooLarge] }));
    const failure = await writer.write([row(1), row(2), row(3)]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidInputError);
    expect(failure).toMatchObject({ field: 'ITMCD', message: expect.stringContaining('row 1 of 3 (HUBEVT ev-2)') });
    expect(isRetriable(failure)).toBe(false);
    expect(connection.rollback).toHaveBeenCalledTimes(1);
    expect(connection.commit).not.toHaveBeenCalled();
    expect(connection.close).toHaveBeenCalledTimes(1);
  });

  it('does not take an ORA-00001 on another constraint (the primary key) for a row already written', async () => {
    const { connection, writer } = oracle(async () => ({ batchErrors: [batchError(0, 'ORA-00001: unique constraint (ERPADM.HUBIMP_PK) violated')] }));
    const failure = await writer.write([row(1)]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DependencyError);
    expect(isRetriable(failure)).toBe(false);
    expect(connection.rollback).toHaveBeenCalledTimes(1);
    expect(connection.commit).not.toHaveBeenCalled();
  });

  it('makes a lost connection a retriable DependencyError, and still releases the connection', async () => {
    const lost = Object.assign(new Error('NJS-500: connection to Oracle Database was closed or broken\nORA-03113: end-of-file on communication channel'), { code: 'NJS-500' });
    const { connection, writer } = oracle(async () => Promise.reject(lost));
    const failure = await writer.write([row(1)]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DependencyError);
    expect(failure).toMatchObject({ dependency: 'erp', cause: lost });
    expect(isRetriable(failure)).toBe(true);
    expect(connection.close).toHaveBeenCalledTimes(1);
  });

  it('makes an ERP that cannot be reached for a connection retriable, and writes nothing for no rows', async () => {
    const { pool, writer } = oracle(async () => ({ batchErrors: [] }));
    await expect(writer.write([])).resolves.toBe(0);
    expect(pool.getConnection).not.toHaveBeenCalled();
    pool.getConnection.mockRejectedValueOnce(Object.assign(new Error('NJS-503: connection to host erp-db port 1521 could not be established.'), { code: 'NJS-503' }));
    expect(isRetriable(await writer.write([row(1)]).catch((error: unknown) => error))).toBe(true);
    pool.getConnection.mockRejectedValueOnce(Object.assign(new Error('NJS-040: connection request timeout. Request exceeded "queueTimeout" of 15000'), { code: 'NJS-040' }));
    await expect(writer.ping()).rejects.toThrow(DependencyError);
    await expect(writer.ping()).resolves.toBe(true);
  });
});

describe('TRNDT as the hub keeps time', () => {
  it('is the UTC wall clock of occurredAt, with the fraction of a second it has', () => {
    expect(utcTimestamp('2026-11-29T00:30:00-03:00')).toBe('2026-11-29T03:30:00.000000000');
    expect(utcTimestamp('2026-03-29T01:59:59.123456+02:00')).toBe('2026-03-28T23:59:59.123456000');
    expect(utcTimestamp('2026-11-29T10:00:00.5Z')).toBe('2026-11-29T10:00:00.500000000');
  });
});
