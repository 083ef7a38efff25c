import { isRetriable, StockHubError } from '../errors';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';

export interface RetryOptions {
  backoff?: BackoffOptions;
  /** Called before each wait; its return value false gives up (a consumer losing its partition). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => boolean | void | Promise<boolean | void>;
  /** Decides whether an error is worth another try. Default: isRetriable (walks the cause chain). */
  retriable?: (error: unknown) => boolean | Promise<boolean>;
  /** Gives up after this many attempts in all. Default: never, while errors are retriable. */
  maxAttempts?: number;
  /** Waits; tests pass a fake. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** The retry gave up because its caller said so (onRetry returned false); `cause` is the last failure. */
export class RetryAbortedError extends StockHubError {
  constructor(cause: unknown) {
    super('retry aborted', { retriable: false, cause });
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one retry loop: runs `attempt` until it succeeds, retrying with backoff only the failures
 * that `retriable` lets through. A final failure (an invalid record, a programming error) is
 * thrown at once; a retriable one after `maxAttempts`.
 */
export async function retry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const retriable = options.retriable ?? isRetriable;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(await retriable(error))) throw error;
      if (options.maxAttempts !== undefined && n >= options.maxAttempts) throw error;
      const delay = backoffDelay(n, options.backoff ?? DEFAULT_BACKOFF);
      if ((await options.onRetry?.(error, n, delay)) === false) throw new RetryAbortedError(error);
      await sleep(delay);
    }
  }
}
