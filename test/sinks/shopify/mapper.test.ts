import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../../core/errors';
import { deterministicEventId, stockMovementSchema, type MovementDraft } from '../../../core/model';
import { mapShopifyWebhook, type ShopifyMappingContext } from '../../../sinks/shopify';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as Record<string, unknown>;

const SHOP = 'retailmax.myshopify.com';
const items = new Map([['45127829618843', '10004711']]);
const ctx = (webhookId: string): ShopifyMappingContext => ({
  webhookId,
  shop: SHOP,
  locationMap: { webLocationId: 'WEB', locations: { '74128450876': 'WEB', '74128483644': 'DC01' }, countLocations: ['WEB'] },
  itemSkus: (id) => items.get(id) ?? null,
  raw: { topic: 'raw.shopify.webhooks', partition: 2, offset: '118' },
});

/** What the publisher will do to every draft: stamp the envelope fields, then validate. */
const asEvent = (draft: MovementDraft) => stockMovementSchema.parse({ ...draft, schema: 'stock.movement.v1', ingestedAt: '2026-11-29T12:00:00.000Z' });

describe('orders/create', () => {
  const drafts = mapShopifyWebhook('orders/create', fixture('orders-create'), ctx('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043'));

  it('makes one SALE per stocked line at the web location, skipping the gift card (no SKU)', () => {
    expect(drafts.map(asEvent).map((e) => [e.type, e.sku, e.quantity, e.locationId])).toEqual([
      ['SALE', '10004711', -2, 'WEB'],
      ['SALE', '10023456', -1, 'WEB'],
    ]);
  });

  it('records the order, the line, the webhook and the Kafka record behind each sale', () => {
    expect(asEvent(drafts[0]!)).toMatchObject({
      eventId: deterministicEventId('shopify', SHOP, 'order-line', '15234567890123'),
      occurredAt: '2026-11-27T10:15:02-03:00',
      actor: 'shopify:web',
      correlationId: '6123456789012',
      source: {
        system: 'SHOPIFY',
        instance: SHOP,
        ref: { document: '#18342', line: '15234567890123', entity: 'orders/create' },
        position: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        raw: { topic: 'raw.shopify.webhooks', partition: 2, offset: '118' },
      },
    });
  });

  it('gives the same order delivered under another webhook id (a second subscription) the same event ids', () => {
    const again = mapShopifyWebhook('orders/create', fixture('orders-create'), ctx('0c7e4a51-9f43-4c2e-a0d4-3d3f1f8a6b77'));
    expect(again.map((d) => d.eventId)).toEqual(drafts.map((d) => d.eventId));
  });

  it('sells at the hub location of a POS order', () => {
    const [sale] = mapShopifyWebhook('orders/create', { ...fixture('orders-create'), location_id: 74128483644, source_name: 'pos' }, ctx('w1'));
    expect(sale).toMatchObject({ locationId: 'DC01', actor: 'shopify:pos' });
  });

  it('dead-letters an order from a location with no hub location, naming the field', () => {
    expect(() => mapShopifyWebhook('orders/create', { ...fixture('orders-create'), location_id: 70000000001 }, ctx('w1'))).toThrow(
      new InvalidInputError('Shopify location 70000000001 has no hub location (config/shopify.json locations)', 'location_id'),
    );
  });

  it('refuses an id that lost precision in JSON rather than naming another line', () => {
    const order = fixture('orders-create');
    const lines = order.line_items as Array<Record<string, unknown>>;
    lines[0] = { ...lines[0], id: 2 ** 53 + 2 };
    expect(() => mapShopifyWebhook('orders/create', order, ctx('w1'))).toThrow(expect.objectContaining({ field: 'line_items.0.id' }));
  });
});

describe('orders/cancelled and refunds/create', () => {
  const cancelled = mapShopifyWebhook('orders/cancelled', fixture('orders-cancelled'), ctx('6e4f0c35-1d9f-4f7e-9a8b-0b1c2d3e4f50'));

  it('returns the restocked lines of a cancel to where Shopify restocked them; no_restock lines move nothing', () => {
    expect(cancelled.map(asEvent).map((e) => [e.type, e.sku, e.quantity, e.locationId])).toEqual([
      ['RETURN', '10004711', 2, 'WEB'],
      ['RETURN', '10023456', 1, 'WEB'],
    ]);
    expect(asEvent(cancelled[0]!)).toMatchObject({
      occurredAt: '2026-11-27T11:02:40-03:00',
      actor: 'shopify:staff/98123456789',
      reason: 'restock cancel',
      correlationId: '6123456789012',
      source: { ref: { document: '912345678901', line: '512345678901', entity: 'orders/cancelled' } },
    });
  });

  it('maps the refund a cancel creates, when it also arrives as refunds/create, to the same event ids', () => {
    const refund = (fixture('orders-cancelled').refunds as unknown[])[0];
    const refunded = mapShopifyWebhook('refunds/create', refund, ctx('a1d2c3b4-0000-4000-8000-000000000001'));
    expect(refunded.map((d) => d.eventId)).toEqual(cancelled.map((d) => d.eventId));
    expect(refunded[0]!.source.ref.entity).toBe('refunds/create');
  });

  it('returns a refunded line restocked at the DC, with the refund note as reason', () => {
    const drafts = mapShopifyWebhook('refunds/create', fixture('refunds-create'), ctx('5f0a9e1c-77aa-4c1b-bd0e-2f9a8c7b6d5e'));
    expect(drafts).toHaveLength(1);
    expect(asEvent(drafts[0]!)).toMatchObject({
      eventId: deterministicEventId('shopify', SHOP, 'refund-line', '512345679870'),
      type: 'RETURN',
      sku: '10031337',
      locationId: 'DC01',
      quantity: 1,
      occurredAt: '2026-11-28T16:20:05-03:00',
      reason: 'restock return: Devolução recebida no CD: tamanho errado',
      correlationId: '6123456790551',
    });
  });

  it('refuses a restock type Shopify does not define, naming the field', () => {
    const refund = fixture('refunds-create');
    const lines = refund.refund_line_items as Array<Record<string, unknown>>;
    lines[0] = { ...lines[0], restock_type: 'restock' };
    expect(() => mapShopifyWebhook('refunds/create', refund, ctx('w1'))).toThrow(expect.objectContaining({ field: 'refund_line_items.0.restock_type' }));
  });
});

describe('inventory_levels/update', () => {
  it("makes a COUNT of Shopify's available units at the mapped location, the SKU from the item map", () => {
    const [count, ...rest] = mapShopifyWebhook('inventory_levels/update', fixture('inventory-levels-update'), ctx('9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'));
    expect(rest).toEqual([]);
    expect(asEvent(count!)).toMatchObject({
      eventId: deterministicEventId('shopify', SHOP, 'inventory-level', '9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'),
      type: 'COUNT',
      sku: '10004711',
      locationId: 'WEB',
      countedQuantity: 17,
      occurredAt: '2026-11-27T10:42:13-03:00',
      source: { ref: { document: null, line: null, entity: 'inventory_levels/update' }, position: '9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d' },
    });
    expect(count!.quantity).toBeUndefined();
  });

  it('moves nothing where Shopify’s edits do not count (the hub is the master there)', () => {
    const notCounted = { ...ctx('w1'), locationMap: { ...ctx('w1').locationMap, countLocations: [] } };
    expect(mapShopifyWebhook('inventory_levels/update', fixture('inventory-levels-update'), notCounted)).toEqual([]);
  });

  it("moves nothing when the delivery is the hub's own write coming back (no echo loop)", () => {
    const echo = { ...ctx('echo-1'), isEcho: (webhookId: string) => webhookId === 'echo-1' };
    expect(mapShopifyWebhook('inventory_levels/update', fixture('inventory-levels-update'), echo)).toEqual([]);
    expect(mapShopifyWebhook('inventory_levels/update', fixture('inventory-levels-update'), { ...echo, webhookId: 'other' })).toHaveLength(1);
  });

  it('throws InvalidInputError for an inventory item the map does not know (dead-lettered, replayable)', () => {
    const level = { ...fixture('inventory-levels-update'), inventory_item_id: 45127829699999 };
    expect(() => mapShopifyWebhook('inventory_levels/update', level, ctx('w1'))).toThrow(
      new InvalidInputError('inventory item 45127829699999 has no known SKU', 'inventory_item_id'),
    );
  });

  it('refuses an oversold (negative) level as a count; skips an untracked item', () => {
    expect(() => mapShopifyWebhook('inventory_levels/update', { ...fixture('inventory-levels-update'), available: -3 }, ctx('w1'))).toThrow(
      expect.objectContaining({ field: 'available' }),
    );
    expect(mapShopifyWebhook('inventory_levels/update', { ...fixture('inventory-levels-update'), available: null }, ctx('w1'))).toEqual([]);
  });

  it('names a missing field', () => {
    const { updated_at: _dropped, ...level } = fixture('inventory-levels-update');
    expect(() => mapShopifyWebhook('inventory_levels/update', level, ctx('w1'))).toThrow(expect.objectContaining({ constructor: InvalidInputError, field: 'updated_at' }));
  });
});

it('refuses a topic that moves no stock', () => {
  expect(() => mapShopifyWebhook('products/update', {}, ctx('w1'))).toThrow(new InvalidInputError("webhook topic 'products/update' does not move stock", 'topic'));
});
