import type { z } from 'zod';
import { InvalidInputError } from '../../core/errors';
import { deterministicEventId, type MovementDraft, type MovementSource } from '../../core/model';
import type { ShopifyLocationMap } from '../../core/shopify';
import { inventoryLevelSchema, orderSchema, refundSchema, type InventoryLevel, type Order, type Refund } from './payloads';

/** inventory_item_id (decimal string) -> SKU, or null when the item is not known (yet). */
export type ItemSkuLookup = (inventoryItemId: string) => string | null;

export interface ShopifyMappingContext {
  /** X-Shopify-Webhook-Id: the event's `source.position`. */
  webhookId: string;
  /** X-Shopify-Shop-Domain: the event's `source.instance`. */
  shop: string;
  locationMap: ShopifyLocationMap;
  itemSkus: ItemSkuLookup;
  /** Whether this delivery reports a quantity the hub itself wrote (no echo loop). Default: never. */
  isEcho?: (webhookId: string) => boolean;
  /** The raw.shopify.webhooks record the payload was read from, when it came through Kafka. */
  raw?: MovementSource['raw'];
}

/** Units that went back on the shelf; no_restock (and a missing type) moved nothing. */
const RESTOCKED = new Set(['cancel', 'return', 'legacy_restock']);

function parse<S extends z.ZodTypeAny>(schema: S, payload: unknown, topic: string): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  throw new InvalidInputError(`${topic} payload invalid at ${field || '(root)'}: ${issue.message}`, field || null);
}

function hubLocation(shopifyLocationId: string | null | undefined, map: ShopifyLocationMap, field: string): string {
  if (shopifyLocationId === null || shopifyLocationId === undefined) return map.webLocationId;
  const hub = map.locations[shopifyLocationId];
  if (hub === undefined) throw new InvalidInputError(`Shopify location ${shopifyLocationId} has no hub location (config/shopify.json locations)`, field);
  return hub;
}

function source(ctx: ShopifyMappingContext, entity: string, document: string | null, line: string | null): MovementSource {
  return { system: 'SHOPIFY', instance: ctx.shop, ref: { document, line, entity }, position: ctx.webhookId, raw: ctx.raw ?? null };
}

/**
 * Event ids come from Shopify's own ids for the line, not from the delivery: a second
 * subscription to the same topic delivers the same order under another webhook id, and it must
 * not sell twice.
 */
function orderSales(order: Order, ctx: ShopifyMappingContext): MovementDraft[] {
  const locationId = hubLocation(order.location_id, ctx.locationMap, 'location_id');
  return order.line_items.flatMap((line): MovementDraft[] => {
    if (line.sku === null || line.quantity === 0) return [];
    return [
      {
        eventId: deterministicEventId('shopify', ctx.shop, 'order-line', line.id),
        type: 'SALE',
        sku: line.sku,
        locationId,
        quantity: -line.quantity,
        occurredAt: order.created_at,
        source: source(ctx, 'orders/create', order.name, line.id),
        actor: `shopify:${order.source_name ?? order.app_id ?? 'unknown'}`,
        reason: null,
        correlationId: order.id,
      },
    ];
  });
}

/**
 * A cancel with restock creates a refund, so the same restocked lines arrive twice: inside
 * orders/cancelled (its `refunds`) and as refunds/create. Both map each refund line to one event
 * id, whichever comes first counts, the other changes nothing.
 */
function refundReturns(refund: Refund, ctx: ShopifyMappingContext, entity: string, path: string): MovementDraft[] {
  return refund.refund_line_items.flatMap((line, index): MovementDraft[] => {
    const sku = line.line_item.sku;
    if (!RESTOCKED.has(line.restock_type ?? 'no_restock') || sku === null || line.quantity === 0) return [];
    const note = refund.note ? `: ${refund.note}` : '';
    return [
      {
        eventId: deterministicEventId('shopify', ctx.shop, 'refund-line', line.id),
        type: 'RETURN',
        sku,
        locationId: hubLocation(line.location_id, ctx.locationMap, `${path}refund_line_items.${index}.location_id`),
        quantity: line.quantity,
        occurredAt: refund.processed_at ?? refund.created_at,
        source: source(ctx, entity, refund.id, line.id),
        actor: refund.user_id ? `shopify:staff/${refund.user_id}` : 'shopify',
        reason: `restock ${line.restock_type}${note}`.slice(0, 240),
        correlationId: refund.order_id,
      },
    ];
  });
}

/**
 * Shopify's available units at a location, as an absolute count, where the config says
 * Shopify's edits count (countLocations), and unless it is the hub's own write coming back. Deliveries of one change share
 * the webhook id; two subscriptions give two ids but the same count, which is harmless.
 */
function inventoryCount(level: InventoryLevel, ctx: ShopifyMappingContext): MovementDraft[] {
  if (level.available === null || ctx.isEcho?.(ctx.webhookId)) return [];
  const locationId = hubLocation(level.location_id, ctx.locationMap, 'location_id');
  if (!ctx.locationMap.countLocations.includes(locationId)) return [];
  if (level.available < 0) throw new InvalidInputError(`available ${level.available} is oversold, not a count`, 'available');
  const sku = ctx.itemSkus(level.inventory_item_id);
  if (sku === null) throw new InvalidInputError(`inventory item ${level.inventory_item_id} has no known SKU`, 'inventory_item_id');
  return [
    {
      eventId: deterministicEventId('shopify', ctx.shop, 'inventory-level', ctx.webhookId),
      type: 'COUNT',
      sku,
      locationId,
      countedQuantity: level.available,
      occurredAt: level.updated_at,
      source: source(ctx, 'inventory_levels/update', null, null),
      actor: 'shopify',
      reason: null,
      correlationId: null,
    },
  ];
}

/**
 * One webhook payload -> canonical drafts. Pure: bad or unmappable input throws
 * InvalidInputError naming the field, for the normalizer to dead-letter (replayable once the
 * location or item map is filled in).
 */
export function mapShopifyWebhook(topic: string, payload: unknown, ctx: ShopifyMappingContext): MovementDraft[] {
  switch (topic) {
    case 'orders/create':
      return orderSales(parse(orderSchema, payload, topic), ctx);
    case 'orders/cancelled':
      return parse(orderSchema, payload, topic).refunds.flatMap((refund, index) => refundReturns(refund, ctx, topic, `refunds.${index}.`));
    case 'refunds/create':
      return refundReturns(parse(refundSchema, payload, topic), ctx, topic, '');
    case 'inventory_levels/update':
      return inventoryCount(parse(inventoryLevelSchema, payload, topic), ctx);
    default:
      throw new InvalidInputError(`webhook topic '${topic}' does not move stock`, 'topic');
  }
}
