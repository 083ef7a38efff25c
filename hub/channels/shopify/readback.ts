import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from '../../../core/logging';
import { documents, legacyIdOf, toRawWebhookMessage, type ShopifyConfig } from '../../../core/shopify';
import { TOPICS } from '../../../core/topics';
import type { ShopifyCaller } from './caller';
import type { ChannelMetrics } from './metrics';

interface GraphqlOrder {
  legacyResourceId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  sourceName: string | null;
  retailLocation: { legacyResourceId: string } | null;
  lineItems: { nodes: Array<{ id: string; sku: string | null; quantity: number }> };
}
interface OrdersPage {
  orders: { nodes: GraphqlOrder[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** Cost of one ORDERS_UPDATED_SINCE page: 2 + 10 orders x (1 + location 1 + lines 2 + 50). */
const PAGE_COST = 542;

/** An order as the orders/create webhook carries it (REST shape), so the sink maps it like one. */
export function toOrderWebhookPayload(order: GraphqlOrder): Record<string, unknown> {
  return {
    id: Number(order.legacyResourceId),
    name: order.name,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    source_name: order.sourceName,
    app_id: null,
    location_id: order.retailLocation ? Number(order.retailLocation.legacyResourceId) : null,
    line_items: order.lineItems.nodes.map((line) => ({ id: Number(legacyIdOf(line.id)), sku: line.sku, quantity: line.quantity })),
    refunds: [],
  };
}

/** When read-backs run and how far back each reaches, in ms. */
export interface ReadBackSchedule {
  /** Between two read-backs, even without an outage (webhooks are lossy). */
  everyMs: number;
  /** Each reads from this long before its watermark or outage: clocks differ, orders are in flight. */
  marginMs: number;
}

/**
 * The first read-back runs this long after start: off the start's path, yet soon, so that a
 * restart does not put it a whole period away from the orders an outage just cost.
 */
export const FIRST_READBACK_AFTER_MS = 5_000;

/**
 * Webhooks are lossy (and lost for good while Shopify or the hub is down), so the channel reads
 * the orders back: every order updated since a time goes to raw.shopify.webhooks as an
 * orders/create record, exactly as the webhook edge would have written it. The sink maps each
 * line to the same event id as the webhook would, so an order heard both ways sells once.
 * shopify_readback keeps how far it got, across restarts.
 */
export class OrderReadBack {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly caller: ShopifyCaller,
    private readonly producer: Producer,
    private readonly shop: Pick<ShopifyConfig, 'shop' | 'apiVersion'>,
    /** The channel whose watermark this is (its consumer group). */
    private readonly channel: string,
    private readonly schedule: ReadBackSchedule,
    private readonly metrics: ChannelMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Reads back from the watermark FIRST_READBACK_AFTER_MS from now, then every `everyMs`. A
   * channel that never read back has as watermark the time it first started (`startedAt`),
   * stored now, so that an outage right after the start (whose webhooks are lost) is covered
   * even if the channel restarts before its first read-back succeeds.
   */
  async start(startedAt: Date): Promise<void> {
    await this.watermark(startedAt);
    const fromWatermark = (): void => {
      this.watermark(startedAt).then(
        (since) => this.readBackFrom(since.getTime()),
        (error: unknown) => this.logger.warn({ err: error }, 'order read-back watermark unreadable; the next read-back tries again'),
      );
    };
    this.timer = setTimeout(() => {
      fromWatermark();
      this.timer = setInterval(fromWatermark, this.schedule.everyMs);
    }, FIRST_READBACK_AFTER_MS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Reads back orders updated since `since` (epoch ms) less the margin; one run at a time (a
   * second call joins it). A run that fails leaves the watermark where it was: the next covers it.
   */
  readBackFrom(since: number): Promise<void> {
    this.running ??= this.readSince(new Date(since - this.schedule.marginMs))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'order read-back failed; the next one covers it'))
      .finally(() => (this.running = null));
    return this.running;
  }

  /** Where the last read-back ended; if none did yet, the first start's: `startedAt`, stored. */
  private async watermark(startedAt: Date): Promise<Date> {
    const { rows } = await this.pool.query<{ orders_to: Date }>(
      'INSERT INTO shopify_readback (channel, orders_to) VALUES ($1, $2) ON CONFLICT (channel) DO UPDATE SET orders_to = shopify_readback.orders_to RETURNING orders_to',
      [this.channel, startedAt],
    );
    return rows[0]!.orders_to;
  }

  private async readSince(since: Date): Promise<void> {
    const startedAt = new Date();
    let after: string | null = null;
    let orders = 0;
    do {
      const page: { data: OrdersPage } = await this.caller.call<OrdersPage>('orders', documents.ORDERS_UPDATED_SINCE, { query: `updated_at:>='${since.toISOString()}'`, after }, PAGE_COST);
      const messages = page.data.orders.nodes.map((order) =>
        toRawWebhookMessage(
          { topic: 'orders/create', shop: this.shop.shop, webhookId: `readback:${order.legacyResourceId}:${order.updatedAt}`, apiVersion: this.shop.apiVersion, triggeredAt: null, eventId: null },
          Buffer.from(JSON.stringify(toOrderWebhookPayload(order))),
          new Date().toISOString(),
        ),
      );
      if (messages.length > 0) await this.producer.send({ topic: TOPICS.shopifyWebhooks, acks: -1, messages });
      orders += messages.length;
      after = page.data.orders.pageInfo.hasNextPage ? page.data.orders.pageInfo.endCursor : null;
    } while (after !== null);
    await this.pool.query(
      'INSERT INTO shopify_readback (channel, orders_to) VALUES ($1, $2) ON CONFLICT (channel) DO UPDATE SET orders_to = GREATEST(shopify_readback.orders_to, EXCLUDED.orders_to)',
      [this.channel, startedAt],
    );
    this.metrics.readBackOrders.inc(orders);
    this.logger.info({ since: since.toISOString(), orders }, 'orders read back from Shopify');
  }
}
