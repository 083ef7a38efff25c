/**
 * The one error hierarchy. Every error the project throws on purpose is a StockHubError:
 * `retriable` says whether trying the same thing again can succeed, `cause` keeps what lay
 * beneath. Retry decisions walk the cause chain (isRetriable); programming errors (TypeError,
 * RangeError, ...) are never retried.
 */
export class StockHubError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** A configuration value is missing or malformed; names the key. Never retriable. */
export class ConfigError extends StockHubError {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message, { retriable: false });
  }
}

/** A dependency (broker, database, HTTP peer) could not be reached or answered with an error. */
export class DependencyError extends StockHubError {
  constructor(
    message: string,
    readonly dependency: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { retriable: options.retriable ?? true, cause: options.cause });
  }
}

/**
 * Input that cannot become a canonical movement: a field missing or malformed, a code with no
 * mapping. Never retriable (the same bytes fail the same way); it goes to the dead-letter topic,
 * or back to an HTTP caller as a 4xx. `field` names the offending field or column.
 */
export class InvalidInputError extends StockHubError {
  constructor(
    message: string,
    readonly field: string | null = null,
    options: { cause?: unknown } = {},
  ) {
    super(message, { retriable: false, cause: options.cause });
  }
}

/** The caller is not allowed to do this (bad token, a store posting for another store). */
export class AuthError extends StockHubError {
  constructor(
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message, { retriable: false });
  }
}

/** A request body over its size limit (HTTP 413). `limit` in bytes. */
export class PayloadTooLargeError extends StockHubError {
  constructor(
    message: string,
    readonly limit: number,
  ) {
    super(message, { retriable: false });
  }
}

/** What was asked for does not exist (an unknown reservation). */
export class NotFoundError extends StockHubError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/**
 * The request conflicts with the current state (no unit left to reserve, a reservation no
 * longer active). `details` goes back to the caller: e.g. the locations that still have stock.
 */
export class ConflictError extends StockHubError {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message, { retriable: false });
  }
}

const PROGRAMMING_ERRORS = [TypeError, RangeError, SyntaxError, ReferenceError];

/**
 * Node's socket errors: the peer is gone or slow, never the data's fault. EPIPE and ECONNRESET
 * come from a server that restarted; ETIMEDOUT and EHOSTUNREACH from a network that drops packets.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATE classes (and MariaDB's, which mysql2 reports the same way in `sqlState`):
 * 08 connection, 40 serialization failure or deadlock, 53 insufficient resources, 57 operator
 * intervention (a server shutting down) pass; 22 data exception (a value too long, out of range,
 * a NUL byte), 23 integrity violation and 42 syntax or access error are the statement's fault.
 */
const RETRIABLE_SQL_CLASSES = new Set(['08', '40', '53', '57', '58']);
const FINAL_SQL_CLASSES = new Set(['22', '23', '42', '44']);

/** pg reports a connection lost mid-query, or a query_timeout, as a plain Error with only this message. */
const LOST_CONNECTION = /Connection terminated|connection (timeout|is closed)|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i;

/**
 * kafkajs marks these final, but each means the broker was gone or slow for longer than its own
 * retries: the condition passes. (A record the broker refuses for its content, such as one over
 * message.max.bytes, surfaces as a non-retriable KafkaJSProtocolError instead.)
 */
const KAFKAJS_TRANSIENT = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSTimeout', 'KafkaJSLockTimeout', 'KafkaJSGroupCoordinatorNotFound', 'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound']);

/**
 * kafkajs' retrier (src/retry/index.js) gives up with `new KafkaJSNonRetriableError(e, { cause:
 * e.cause || e })`: its `retriable: false` says only that kafkajs stopped retrying, not why (an
 * inner retrier's KafkaJSNumberOfRetriesExceeded during a broker outage ends up so), so the
 * cause decides. Without a cause the same name is kafkajs' own verdict (an argument it refuses,
 * an undecodable varint), and its flag stands.
 */
function isKafkaJSRetrierWrapper(error: Error): boolean {
  return error.name === 'KafkaJSNonRetriableError' && error.cause instanceof Error;
}

/** A verdict from the error itself, or undefined to let its cause decide. */
function classifyForeign(error: Error): boolean | undefined {
  if (isKafkaJSRetrierWrapper(error)) return undefined;
  if (KAFKAJS_TRANSIENT.has(error.name)) return true;
  if ('retriable' in error && typeof error.retriable === 'boolean') return error.retriable;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  const sqlState = 'sqlState' in error && typeof error.sqlState === 'string' ? error.sqlState : code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (sqlState !== undefined) {
    const sqlClass = sqlState.slice(0, 2);
    if (RETRIABLE_SQL_CLASSES.has(sqlClass)) return true;
    if (FINAL_SQL_CLASSES.has(sqlClass)) return false;
  }
  if (LOST_CONNECTION.test(error.message)) return true;
  return undefined;
}

/** The error and the errors beneath it (`cause`, then its cause...), outermost first; a cycle ends it. */
function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  while (current instanceof Error && !chain.includes(current)) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}

/**
 * Walks the cause chain: the first StockHubError decides; programming errors never retry; a
 * foreign error decides by its own `retriable` flag (kafkajs, except its retrier's wrapper),
 * its socket code, or its SQLSTATE.
 */
export function isRetriable(error: unknown): boolean {
  for (const current of causeChain(error)) {
    if (current instanceof StockHubError) return current.retriable;
    if (PROGRAMMING_ERRORS.some((type) => current instanceof type)) return false;
    const verdict = classifyForeign(current);
    if (verdict !== undefined) return verdict;
  }
  return false;
}
