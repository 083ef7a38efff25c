import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../../core/logging';
import type { Metrics } from '../../core/metrics';
import { bucketOf, type EmulatorOptions, type PlanName } from './config';
import { IdempotencyKeys } from './idempotency';
import { inventoryLevelPayload, orderPayload } from './payloads';
import { createRootValues } from './resolvers';
import { DocumentCache, loadAdminSchema } from './schema';
import type { SetQuantitiesPayload } from './set-quantities';
import { ShopState } from './state';
import { EmulatorStats } from './stats';
import { LeakyBucket } from './throttle';
import { Views } from './views';
import { WebhookSender } from './webhooks';

/**
 * One emulated shop: its state, rate limiter, webhook sender and switches. The HTTP side
 * (admin.ts, control.ts, server.ts) only translates requests into calls on it.
 */
export class ShopifyEmulator {
  readonly state: ShopState;
  readonly views: Views;
  readonly stats: EmulatorStats;
  readonly bucket: LeakyBucket;
  readonly webhooks: WebhookSender;
  readonly idempotency: IdempotencyKeys<SetQuantitiesPayload>;
  readonly schema: GraphQLSchema;
  readonly documents: DocumentCache;
  readonly roots: { query: object; mutation: object };
  /** While true, every Admin call answers 503 and webhooks are lost. */
  offline = false;
  /** SKU -> the user error every quantity of it gets (a test's fault: Shopify refusing one item). */
  readonly refusals = new Map<string, { code: string; message: string }>();
  plan: PlanName;

  constructor(
    readonly options: EmulatorOptions,
    readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.schema = loadAdminSchema(options.apiVersion);
    this.documents = new DocumentCache(this.schema);
    this.state = new ShopState(options.locations, options.changeBufferSize);
    this.views = new Views(this.state, options.shop);
    this.stats = new EmulatorStats(metrics.registry);
    const { restoreRate, maximumAvailable } = bucketOf(options);
    this.plan = options.plan;
    this.bucket = new LeakyBucket(restoreRate, maximumAvailable);
    this.idempotency = new IdempotencyKeys(options.idempotencyTtlMs);
    this.webhooks = new WebhookSender(
      {
        url: options.webhookUrl,
        shop: options.shop,
        apiVersion: options.apiVersion,
        apiSecret: options.apiSecret,
        enabled: options.webhooksEnabled,
        concurrency: options.webhookConcurrency,
        retryDelaysMs: options.webhookRetryDelaysMs,
        timeoutMs: options.webhookTimeoutMs,
      },
      () => this.offline,
      logger.child({ component: 'webhooks' }),
      (topic, outcome) => this.stats.webhook(topic, outcome),
    );
    this.state.listener = {
      levelChanged: (item, location, webhook) => this.webhooks.send('inventory_levels/update', inventoryLevelPayload(item, location), webhook),
      orderCreated: (order, webhook) => this.webhooks.send('orders/create', orderPayload(order), webhook),
    };
    const latency = options.latencyMs;
    this.roots = createRootValues({
      state: this.state,
      views: this.views,
      stats: this.stats,
      idempotency: this.idempotency,
      delay: () => (latency > 0 ? new Promise((resolve) => setTimeout(resolve, latency)) : Promise.resolve()),
      refusalOf: (sku) => this.refusals.get(sku),
      logger,
    });
  }

  /** A new plan and/or explicit bucket numbers; what is not given comes from the plan. */
  setPlan(change: { plan?: PlanName; restoreRate?: number; maximumAvailable?: number }): void {
    if (change.plan) this.plan = change.plan;
    const { restoreRate, maximumAvailable } = bucketOf({ plan: this.plan, restoreRate: change.restoreRate, maximumAvailable: change.maximumAvailable });
    this.bucket.reconfigure(restoreRate, maximumAvailable);
    this.logger.info({ plan: this.plan, restoreRate, maximumAvailable }, 'rate-limit plan changed');
  }

  setOffline(offline: boolean): void {
    if (this.offline !== offline) this.logger.info({ offline }, offline ? 'shop offline: Admin API answers 503, webhooks lost' : 'shop back online');
    this.offline = offline;
  }

  statsSnapshot() {
    return { ...this.stats.snapshot(), webhooks: this.webhooks.stats(), throttleStatus: this.bucket.status(), offline: this.offline, plan: this.plan };
  }

  resetStats(): void {
    this.stats.reset();
    this.webhooks.resetStats();
  }

  async close(): Promise<void> {
    await this.webhooks.close();
  }
}
