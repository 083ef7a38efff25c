import { DependencyError, InvalidInputError, isRetriable } from '../../../../core/errors';
import { fromOracleError, oracleCode } from '../../../../hub/channels/erp-writeback/oracle-errors';

/** An error as oracledb throws it: its code, and the ORA- number when the database sent one. */
const oracleError = (message: string, extra: Record<string, unknown> = {}): Error => {
  const code = /^([A-Z]{3}-\d+):/.exec(message)![1]!;
  return Object.assign(new Error(message), { code, ...(code.startsWith('ORA-') ? { errorNum: Number(code.slice(4)) } : {}), ...extra });
};

describe('Oracle errors as the project’s', () => {
  it.each([
    'NJS-500: connection to Oracle Database was closed or broken',
    'NJS-501: connection to host erp-db port 1521 terminated unexpectedly. (CONNECTION_ID=x)',
    'NJS-503: connection to host erp-db port 1521 could not be established. (CONNECTION_ID=x)',
    'NJS-510: connection to host erp-db port 1521 timed out. Request exceeded "connectTimeout" of 15 seconds.',
    'NJS-123: call timeout of 15000 ms exceeded',
    'NJS-040: connection request timeout. Request exceeded "queueTimeout" of 15000',
    'DPI-1080: connection was closed by ORA-3113',
    'ORA-03113: end-of-file on communication channel',
    'ORA-03114: not connected to ORACLE',
    'ORA-12170: TNS:Connect timeout occurred',
    'ORA-12541: TNS:no listener',
    'ORA-12514: TNS:listener does not currently know of service requested in connect descriptor',
    'ORA-01033: ORACLE initialization or shutdown in progress',
    'ORA-00060: deadlock detected while waiting for resource',
  ])('%s: the ERP is unreachable or busy, a retriable DependencyError', (message) => {
    const mapped = fromOracleError(oracleError(message));
    expect(mapped).toBeInstanceOf(DependencyError);
    expect(mapped).toMatchObject({ dependency: 'erp', message: `ERP (Oracle): ${message}` });
    expect(isRetriable(mapped)).toBe(true);
  });

  it.each([
    ['ORA-12899: value too large for column "ERPADM"."HUBIMP"."BRNCD" (actual: 9, maximum: 6)', 'BRNCD'],
    ['ORA-01400: cannot insert NULL into ("ERPADM"."HUBIMP"."ITMCD")', 'ITMCD'],
    ['ORA-01722: invalid number', null],
    ['ORA-01438: value larger than specified precision allowed for this column', null],
    ['NJS-058: maxSize of 80 is too small for value of length 84 in row 3', null],
  ])('%s: the row’s content, an InvalidInputError naming the column (%s), never retried', (message, column) => {
    const mapped = fromOracleError(oracleError(message));
    expect(mapped).toBeInstanceOf(InvalidInputError);
    expect(mapped).toMatchObject({ field: column });
    expect(isRetriable(mapped)).toBe(false);
  });

  it('reads the code of a Thin-mode batch error from its message (it carries no code)', () => {
    const batchError = Object.assign(new Error('ORA-12899: value too large for column "ERPADM"."HUBIMP"."DOCNO" (actual: 21, maximum: 20)'), { offset: 4 });
    expect(oracleCode(batchError)).toBe('ORA-12899');
    expect(fromOracleError(batchError, 'row 4')).toMatchObject({ field: 'DOCNO', message: expect.stringMatching(/^ERP \(Oracle\) refused row 4: ORA-12899/) });
    expect(oracleCode(new Error('no code here: ORA-12899'))).toBeUndefined();
  });

  it('leaves the verdict on anything else to core: an unknown ORA- code or a programming error is final, a socket error or a driver-recoverable error passes', () => {
    expect(isRetriable(fromOracleError(oracleError('ORA-00942: table or view does not exist')))).toBe(false);
    expect(isRetriable(fromOracleError(new TypeError('cannot read properties of undefined')))).toBe(false);
    expect(isRetriable(fromOracleError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })))).toBe(true);
    expect(isRetriable(fromOracleError(oracleError('ORA-00603: ORACLE server session terminated by fatal error', { isRecoverable: true })))).toBe(true);
  });

  it('passes the project’s own errors through unchanged', () => {
    const own = new InvalidInputError('ITMCD takes at most 20 characters', 'ITMCD');
    expect(fromOracleError(own)).toBe(own);
  });
});
