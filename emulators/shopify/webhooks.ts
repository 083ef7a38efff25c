import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from '../../core/logging';

export interface WebhookSenderOptions {
  url: string;
  shop: string;
  apiVersion: string;
  /** The app's secret: the HMAC-SHA256 key. */
  apiSecret: string;
  enabled: boolean;
  concurrency: number;
  /** Wait before each retry, in ms; as many retries as entries. */
  retryDelaysMs: number[];
  timeoutMs: number;
}

export interface WebhookCounts {
  sent: number;
  /** Gave up after every retry. */
  failed: number;
  /** Lost on purpose: webhooks switched off, the shop offline, or an edit made with webhook:false. */
  dropped: number;
  /** Waiting, in flight or waiting to retry. */
  queued: number;
}

export type WebhookOutcome = 'sent' | 'failed' | 'dropped';

interface Delivery {
  topic: string;
  body: string;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  attempt: number;
}

/** Deliveries held at most (waiting or retrying); beyond it new ones are dropped, as a storm would lose them. */
const MAX_QUEUED = 100_000;
/** At most one "webhooks failing" warning per this many ms; each failure is logged at debug. */
const WARN_EVERY_MS = 5_000;

/** base64 HMAC-SHA256 of the exact body bytes: X-Shopify-Hmac-Sha256. */
export const signWebhook = (body: string | Buffer, secret: string): string => createHmac('sha256', secret).update(body).digest('base64');

/**
 * Delivers webhooks as Shopify does: signed POSTs from a queue, a few at a time, each retried
 * with backoff (same webhook id on every attempt, so the receiver can de-duplicate), then given up.
 */
export class WebhookSender {
  enabled: boolean;
  private readonly waiting: Delivery[] = [];
  private active = 0;
  private readonly retrying = new Map<NodeJS.Timeout, Delivery>();
  private counts = { sent: 0, failed: 0, dropped: 0 };
  private idle: Array<() => void> = [];
  private closed = false;
  private lastWarnAt = 0;
  private failedSinceWarn = 0;

  constructor(
    private readonly options: WebhookSenderOptions,
    private readonly isOffline: () => boolean,
    private readonly logger: Logger,
    private readonly onOutcome: (topic: string, outcome: WebhookOutcome) => void = () => {},
  ) {
    this.enabled = options.enabled;
  }

  /** Queues `payload` for `topic`; with `deliver` false (or webhooks off, or offline) it is lost. */
  send(topic: string, payload: unknown, deliver = true): void {
    if (!deliver || !this.enabled || this.isOffline() || this.closed || this.stats().queued >= MAX_QUEUED) {
      this.outcome(topic, 'dropped');
      return;
    }
    this.waiting.push({ topic, body: JSON.stringify(payload), webhookId: randomUUID(), eventId: randomUUID(), triggeredAt: new Date().toISOString(), attempt: 0 });
    this.pump();
  }

  stats(): WebhookCounts {
    return { ...this.counts, queued: this.waiting.length + this.active + this.retrying.size };
  }

  resetStats(): void {
    this.counts = { sent: 0, failed: 0, dropped: 0 };
  }

  /** Resolves once nothing waits, runs or waits to retry. */
  drain(): Promise<void> {
    if (this.stats().queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops retrying; whatever has not been delivered is dropped. In-flight attempts finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, delivery] of this.retrying) {
      clearTimeout(timer);
      this.outcome(delivery.topic, 'dropped');
    }
    this.retrying.clear();
    for (const delivery of this.waiting.splice(0)) this.outcome(delivery.topic, 'dropped');
    await this.drain();
  }

  private outcome(topic: string, outcome: WebhookOutcome): void {
    this.counts[outcome]++;
    this.onOutcome(topic, outcome);
  }

  private pump(): void {
    while (this.active < this.options.concurrency && this.waiting.length > 0) {
      const delivery = this.waiting.shift()!;
      this.active++;
      void this.attempt(delivery).finally(() => {
        this.active--;
        this.pump();
        this.notifyIdle();
      });
    }
  }

  private notifyIdle(): void {
    if (this.stats().queued > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async attempt(delivery: Delivery): Promise<void> {
    // Offline means Shopify itself is down: what it had queued is lost, not delayed.
    if (!this.enabled || this.isOffline()) {
      this.outcome(delivery.topic, 'dropped');
      return;
    }
    const log = this.logger.child({ topic: delivery.topic, webhookId: delivery.webhookId, attempt: delivery.attempt });
    let problem: string;
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Topic': delivery.topic,
          'X-Shopify-Hmac-Sha256': signWebhook(delivery.body, this.options.apiSecret),
          'X-Shopify-Shop-Domain': this.options.shop,
          'X-Shopify-Webhook-Id': delivery.webhookId,
          'X-Shopify-Event-Id': delivery.eventId,
          'X-Shopify-API-Version': this.options.apiVersion,
          'X-Shopify-Triggered-At': delivery.triggeredAt,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        this.outcome(delivery.topic, 'sent');
        log.debug({ status: response.status }, 'webhook delivered');
        return;
      }
      problem = `HTTP ${response.status}`;
    } catch (error) {
      problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const delay = this.options.retryDelaysMs[delivery.attempt];
    if (delay === undefined || this.closed) {
      this.outcome(delivery.topic, 'failed');
      log.debug({ problem }, 'webhook failed after every retry');
      this.failedSinceWarn++;
      if (Date.now() - this.lastWarnAt >= WARN_EVERY_MS) {
        this.logger.warn({ url: this.options.url, problem, failed: this.failedSinceWarn }, 'webhooks failing after every retry');
        this.lastWarnAt = Date.now();
        this.failedSinceWarn = 0;
      }
      return;
    }
    log.debug({ problem, retryInMs: delay }, 'webhook attempt failed; will retry');
    const timer = setTimeout(() => {
      this.retrying.delete(timer);
      this.waiting.push({ ...delivery, attempt: delivery.attempt + 1 });
      this.pump();
    }, delay);
    this.retrying.set(timer, delivery);
  }
}
