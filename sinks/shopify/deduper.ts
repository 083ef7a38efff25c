import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logging';

/**
 * Spares Kafka the webhooks Shopify delivers twice. An optimisation only: the ledger de-duplicates
 * by event id anyway, so neither method may throw, and when in doubt a webhook is not a duplicate.
 * A webhook id is remembered only after Kafka acknowledged it: marking it before producing would
 * turn a failed produce, and Shopify's retry of it, into a lost webhook.
 */
export interface WebhookDeduper {
  /** True if this webhook id was already written to Kafka; false when unknown or unsure. */
  isDuplicate(webhookId: string): Promise<boolean>;
  /** Remembers a webhook id whose write to Kafka was acknowledged. */
  markDelivered(webhookId: string): Promise<void>;
}

export interface RedisWebhookDeduperOptions {
  /** How long a webhook id is remembered, in seconds. Default 86400 (Shopify retries for 4 hours). */
  ttlSeconds?: number;
  /**
   * Longest wait for Redis, in milliseconds, before going on without it. Default 250. ioredis
   * queues commands while it reconnects, so without a bound a Redis outage would hold webhooks
   * past Shopify's 5 s limit.
   */
  timeoutMs?: number;
  /** Key prefix. Default 'stockhub:shopify:webhook:'. */
  keyPrefix?: string;
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Webhook ids as Redis keys with a TTL (SET NX EX); Redis down means "not a duplicate". */
export class RedisWebhookDeduper implements WebhookDeduper {
  private readonly ttlSeconds: number;
  private readonly timeoutMs: number;
  private readonly keyPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    options: RedisWebhookDeduperOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 86_400;
    this.timeoutMs = options.timeoutMs ?? 250;
    this.keyPrefix = options.keyPrefix ?? 'stockhub:shopify:webhook:';
  }

  async isDuplicate(webhookId: string): Promise<boolean> {
    try {
      return (await within(this.redis.exists(this.keyPrefix + webhookId), this.timeoutMs)) === 1;
    } catch (error) {
      this.logger.warn({ err: error, webhookId }, 'webhook dedupe unavailable; treating as new');
      return false;
    }
  }

  async markDelivered(webhookId: string): Promise<void> {
    try {
      await within(this.redis.set(this.keyPrefix + webhookId, '1', 'EX', this.ttlSeconds, 'NX'), this.timeoutMs);
    } catch (error) {
      this.logger.warn({ err: error, webhookId }, 'webhook dedupe unavailable; a redelivery will be produced again');
    }
  }
}
