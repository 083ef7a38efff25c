import type { ItemRecord, LocationRecord, OrderRecord } from './state';

/**
 * Webhook payloads in Shopify's REST shape (ids as JSON numbers, times with an offset): only
 * the fields the hub's sink reads (sinks/shopify/payloads.ts) plus a few that make them
 * recognisable. The shop's time zone is UTC.
 */

/** Shopify's REST times: whole seconds with an offset, e.g. 2026-11-29T10:00:05+00:00. */
export const restTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;

/** Shopify's GraphQL DateTime: whole seconds in UTC, e.g. 2026-11-29T10:00:05Z. */
export const graphqlTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** An InventoryLevel's global id: the location's id qualified by the item's. */
export const inventoryLevelGid = (item: ItemRecord, location: LocationRecord): string => `gid://shopify/InventoryLevel/${location.legacyId}?inventory_item_id=${item.legacyId}`;

export function inventoryLevelPayload(item: ItemRecord, location: LocationRecord): Record<string, unknown> {
  return {
    inventory_item_id: item.idNum,
    location_id: Number(location.legacyId),
    available: item.available[location.index],
    updated_at: restTime(item.updatedAt[location.index]!),
    admin_graphql_api_id: inventoryLevelGid(item, location),
  };
}

export function orderPayload(order: OrderRecord): Record<string, unknown> {
  return {
    id: Number(order.id),
    admin_graphql_api_id: order.gid,
    name: order.name,
    created_at: restTime(order.createdAt),
    updated_at: restTime(order.updatedAt),
    source_name: order.sourceName,
    app_id: null,
    location_id: order.retailLocation ? Number(order.retailLocation.legacyId) : null,
    line_items: order.lines.map((line) => ({ id: Number(line.id), sku: line.sku, quantity: line.quantity, variant_id: null, title: `SKU ${line.sku}` })),
    refunds: [],
  };
}
