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

/** Walks the cause chain: the first StockHubError decides; programming errors never retry. */
export function isRetriable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    if (current instanceof StockHubError) return current.retriable;
    if (PROGRAMMING_ERRORS.some((type) => current instanceof type)) return false;
    if ('retriable' in current && typeof current.retriable === 'boolean') return current.retriable;
    current = current.cause;
  }
  return false;
}
