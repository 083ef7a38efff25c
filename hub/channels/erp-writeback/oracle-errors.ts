import { DependencyError, InvalidInputError, isRetriable, StockHubError } from '../../../core/errors';

/**
 * An Oracle that is gone, slow, restarting or short of a resource: trying again later can
 * succeed, as with PostgreSQL's SQLSTATE classes 08, 40, 53 and 57 (core/errors). Thin mode
 * reports most network failures as NJS-5xx where Thick mode says ORA-125xx; both are here.
 */
const UNREACHABLE = new Set([
  // The driver: a pooled connection not free within queueTimeout, a round trip over callTimeout,
  // a connection closed, lost, refused or timed out, a listener without the service, DNS.
  'NJS-040', 'NJS-123', 'NJS-500', 'NJS-501', 'NJS-503', 'NJS-510', 'NJS-511', 'NJS-518', 'NJS-519', 'NJS-521', 'NJS-530',
  'DPI-1067', 'DPI-1080',
  // Oracle Net: end of file, not connected, lost contact, connect timeout, no listener, service
  // not registered or blocked, connection closed.
  'ORA-03113', 'ORA-03114', 'ORA-03135', 'ORA-12170', 'ORA-12514', 'ORA-12516', 'ORA-12519', 'ORA-12520', 'ORA-12528', 'ORA-12537', 'ORA-12541', 'ORA-12543', 'ORA-12547',
  // The instance starting or stopping; the session killed, logged off or idle too long.
  'ORA-01033', 'ORA-01034', 'ORA-01089', 'ORA-01090', 'ORA-01092', 'ORA-00028', 'ORA-01012', 'ORA-02396',
  // Deadlock, serialization; too many sessions or processes; a tablespace or the undo full.
  'ORA-00060', 'ORA-08177', 'ORA-00018', 'ORA-00020', 'ORA-01653', 'ORA-01654', 'ORA-30036',
]);

/**
 * A value the interface table cannot take: the row's fault, the same on every try (PostgreSQL's
 * class 22). interface-limits.ts refuses most before the insert; these are what gets past it
 * (a table narrower than config/erp-writeback.json says, a value the driver cannot bind).
 */
const BAD_VALUE = new Set([
  // Too large for the column, NULL into NOT NULL, not a number, over the NUMBER's precision, a check constraint.
  'ORA-12899', 'ORA-01401', 'ORA-01400', 'ORA-01722', 'ORA-01438', 'ORA-02290',
  // TRNDT's text not a timestamp of its format.
  'ORA-01830', 'ORA-01840', 'ORA-01841', 'ORA-01843', 'ORA-01847', 'ORA-01850', 'ORA-01851', 'ORA-01852', 'ORA-01858', 'ORA-01861',
  // The driver: a value longer than its bind's maxSize, NaN, a number Oracle cannot represent.
  'NJS-058', 'NJS-105', 'NJS-115',
]);

const CODE = /^(ORA|NJS|DPI)-\d{3,5}$/;
const LEADING_CODE = /^((?:ORA|NJS|DPI)-\d{3,5}):/;

/**
 * The error's code (ORA-12899, NJS-500, DPI-1080): oracledb's `code`, or the start of the
 * message, because a batch error of Thin mode carries only its message and row offset.
 */
export function oracleCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && CODE.test(code)) return code;
  return LEADING_CODE.exec(error.message)?.[1];
}

/** Oracle names the column as "OWNER"."TABLE"."COLUMN" (ORA-12899, ORA-01400). */
function columnOf(message: string): string | null {
  return /"[^"]+"\."[^"]+"\."([^"]+)"/.exec(message)?.[1] ?? null;
}

const recoverable = (error: unknown): boolean => error instanceof Error && 'isRecoverable' in error && error.isRecoverable === true;

/**
 * oracledb's error as the project's: InvalidInputError (naming the column when Oracle does) for a
 * value the table refuses, so that the consumer runtime dead-letters the row; a retriable
 * DependencyError for an unreachable database (or one the driver marks recoverable); anything
 * else a DependencyError whose retriability core decides from the cause (a socket error passes,
 * an unknown ORA- code or a programming error does not, as with an unknown SQLSTATE).
 * `context` says which row, for a batch error.
 */
export function fromOracleError(error: unknown, context?: string): StockHubError {
  if (error instanceof StockHubError) return error;
  const text = error instanceof Error ? error.message.trim() : String(error);
  const message = context === undefined ? `ERP (Oracle): ${text}` : `ERP (Oracle) refused ${context}: ${text}`;
  const code = oracleCode(error);
  if (code !== undefined && BAD_VALUE.has(code)) return new InvalidInputError(message, columnOf(text), { cause: error });
  if ((code !== undefined && UNREACHABLE.has(code)) || recoverable(error)) return new DependencyError(message, 'erp', { retriable: true, cause: error });
  return new DependencyError(message, 'erp', { retriable: isRetriable(error), cause: error });
}
