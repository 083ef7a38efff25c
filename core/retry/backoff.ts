import { z } from 'zod';

/**
 * Exponential backoff without jitter: the delays are predictable in logs and tests, and one
 * consumer per partition has nobody to stampede with.
 */
export const backoffSchema = z.object({
  /** First delay, in ms. Default 200. */
  initialMs: z.number().int().min(0).default(200),
  /** Longest delay, in ms. Default 30,000. */
  maxMs: z.number().int().min(0).default(30_000),
  /** Growth per attempt. Default 2. */
  factor: z.number().min(1).default(2),
});
export type BackoffOptions = z.infer<typeof backoffSchema>;
export const DEFAULT_BACKOFF: BackoffOptions = backoffSchema.parse({});

/** The delay before retry number `attempt` (1 for the first retry), in ms. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(options.maxMs, Math.round(options.initialMs * options.factor ** exponent));
}
