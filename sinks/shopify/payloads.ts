import { z } from 'zod';

/**
 * The parts of Shopify's webhook payloads (REST shape, as webhooks deliver them) that stock
 * mapping reads. Everything else in a payload is ignored, not refused: Shopify adds fields in
 * every API version.
 */

/**
 * Shopify sends ids as JSON numbers. Beyond 2^53 JSON.parse rounds them, and a rounded id would
 * silently name another line, so such an id is refused rather than used.
 */
const shopifyId = z
  .union([z.number().int().nonnegative().refine(Number.isSafeInteger, 'id beyond 2^53 lost precision in JSON'), z.string().regex(/^\d+$/)])
  .transform(String);
const shopifyTime = z.string().datetime({ offset: true });
/** Custom and gift-card lines carry no SKU (null or ""); they move no stock. */
const optionalSku = z
  .string()
  .max(64)
  .nullish()
  .transform((sku) => (sku ? sku : null));

const refundLineItemSchema = z.object({
  id: shopifyId,
  /** Where the units went back; null when not restocked. */
  location_id: shopifyId.nullish(),
  quantity: z.number().int().nonnegative(),
  /** no_restock, cancel (never fulfilled), return (came back), legacy_restock (pre-2019 refunds). */
  restock_type: z.enum(['no_restock', 'cancel', 'return', 'legacy_restock']).nullish(),
  line_item: z.object({ sku: optionalSku }),
});

/** refunds/create, and each entry of an order's `refunds`. */
export const refundSchema = z.object({
  id: shopifyId,
  order_id: shopifyId,
  created_at: shopifyTime,
  processed_at: shopifyTime.nullish(),
  note: z.string().nullish(),
  /** The staff member who refunded; null for apps and the customer. */
  user_id: shopifyId.nullish(),
  refund_line_items: z.array(refundLineItemSchema),
});
export type Refund = z.infer<typeof refundSchema>;

const orderLineItemSchema = z.object({
  id: shopifyId,
  sku: optionalSku,
  quantity: z.number().int().nonnegative(),
});

/** orders/create and orders/cancelled. */
export const orderSchema = z.object({
  id: shopifyId,
  /** "#1001", as staff and customers see it. */
  name: z.string().min(1).max(120),
  created_at: shopifyTime,
  /** web, pos, shopify_draft_order, or the id of the app that created the order. */
  source_name: z.string().nullish(),
  app_id: shopifyId.nullish(),
  /** The POS location that took the order; null for online orders. */
  location_id: shopifyId.nullish(),
  line_items: z.array(orderLineItemSchema),
  refunds: z.array(refundSchema).default([]),
});
export type Order = z.infer<typeof orderSchema>;

/** inventory_levels/update. */
export const inventoryLevelSchema = z.object({
  inventory_item_id: shopifyId,
  location_id: shopifyId,
  /** Null when the item's inventory is not tracked; negative when oversold. */
  available: z.number().int().nullable(),
  updated_at: shopifyTime,
});
export type InventoryLevel = z.infer<typeof inventoryLevelSchema>;
