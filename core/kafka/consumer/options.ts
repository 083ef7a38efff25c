import { z } from 'zod';
import { backoffSchema } from '../../retry';

/**
 * Tuning of a StageConsumer. Every stage gets the same defaults; a benchmark or test overrides
 * what it needs.
 */
export const stageConsumerTuningSchema = z.object({
  /**
   * Broker-side session, in ms. Default 10,000: a crashed instance's partitions move to a live
   * one within seconds (kafkajs' default is 30 s).
   */
  sessionTimeoutMs: z.number().int().min(1_000).default(10_000),
  /** Heartbeats, in ms; also sent on a timer while a batch is being handled or retried. Default 3,000. */
  heartbeatIntervalMs: z.number().int().min(100).default(3_000),
  /** Longest wait of a fetch for new records, in ms. Default 100. */
  maxWaitTimeMs: z.number().int().min(0).default(100),
  /** Bytes fetched per partition and request. Default 4 MiB. */
  maxBytesPerPartition: z.number().int().min(1024).default(4 * 1024 * 1024),
  /**
   * Longest a single handle call may take before it counts as a failed dependency (a database
   * behind a network that drops packets never answers), in ms. The call is not cancelled, so its
   * clients should time out first (the hub's pool does at 25 s). Default 30,000.
   */
  handleTimeoutMs: z.number().int().min(100).default(30_000),
  /** Backoff between retries of a batch whose dependency failed. Default 200 ms doubling to 10 s. */
  retryBackoff: backoffSchema.default({ initialMs: 200, maxMs: 10_000 }),
  /** Backoff between restarts of a consumer that kafkajs gave up on (a non-retriable crash). Default 1 s doubling to 30 s. */
  restartBackoff: backoffSchema.default({ initialMs: 1_000, maxMs: 30_000 }),
  /**
   * kafkajs' own retries of a fetch, join or commit, and its restart after they run out. When a
   * broker dies a consumer can keep asking for it ("Broker N not found in the cached metadata")
   * until its retries end and it restarts with fresh metadata; with kafkajs' defaults (5 retries
   * from 1 s, up to 30 s, then the last delay again) its partitions stalled 20-30 s. Default
   * 300 ms doubling to 3 s: a restart within about 10 s.
   */
  clientRetry: backoffSchema.default({ initialMs: 300, maxMs: 3_000 }),
});
export type StageConsumerTuning = z.infer<typeof stageConsumerTuningSchema>;
export type StageConsumerTuningInput = z.input<typeof stageConsumerTuningSchema>;
