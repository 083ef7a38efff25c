export { backoffDelay, backoffSchema, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
