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

/**
 * Webhooks are lossy (and lost for good while Shopify or the hub is down), so the channel reads
 * the orders back: every order updated since a time goes to raw.shopify.webhooks as an
 * orders/create record, exactly as the webhook edge would have written it. The sink maps each
 * line to the same event id as the webhook would, so an order heard both ways sells once.
 * shopify_readback keeps how far it got, across restarts.
 */
export class OrderReadBack {
  private running: Promise<number> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly caller: ShopifyCaller,
    private readonly producer: Producer,
    private readonly shop: Pick<ShopifyConfig, 'shop' | 'apiVersion'>,
    /** The channel whose watermark this is (its consumer group). */
    private readonly channel: string,
    private readonly metrics: ChannelMetrics,
    private readonly logger: Logger,
  ) {}

  /** Where the last read-back ended, or null if there never was one. */
  async watermark(): Promise<Date | null> {
    const { rows } = await this.pool.query<{ orders_to: Date }>('SELECT orders_to FROM shopify_readback WHERE channel = $1', [this.channel]);
    return rows[0]?.orders_to ?? null;
  }

  /** Reads back orders updated since `since`; one run at a time (a second call joins it). */
  run(since: Date): Promise<number> {
    this.running ??= this.readSince(since).finally(() => (this.running = null));
    return this.running;
  }

  private async readSince(since: Date): Promise<number> {
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
    return orders;
  }
}
