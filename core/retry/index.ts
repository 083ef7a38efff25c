export { backoffDelay, backoffSchema, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export { retry, RetryAbortedError, type RetryOptions } from './retry';
