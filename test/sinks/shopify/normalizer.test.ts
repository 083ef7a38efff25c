import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../../core/logging';
import { TOPICS } from '../../../core/topics';
import { shopifyRecordMapper, type ShopifyMapperOptions } from '../../../sinks/shopify';
import { record } from './records';

const logger = createLogger('test', 'silent');
const body = (name: string) => readFileSync(join(__dirname, 'fixtures', `${name}.json`));
const options: ShopifyMapperOptions = {
  locationMap: { webLocationId: 'WEB', locations: { '74128450876': 'WEB', '74128483644': 'DC01' }, countLocations: ['WEB'] },
  itemSkus: (id) => (id === '45127829618843' ? '10004711' : null),
};


const mapWebhookRecord = shopifyRecordMapper(options, 'sink-shopify', logger);

describe('shopifyRecordMapper', () => {
  it('maps a webhook to validated movements that point at their Kafka record', () => {
    const result = mapWebhookRecord(TOPICS.shopifyWebhooks, 4, record('orders/create', body('orders-create'), '77'));
    expect(result.outcome).toBe('mapped');
    expect(result.movements.map((m) => [m.schema, m.type, m.sku, m.quantity])).toEqual([
      ['stock.movement.v1', 'SALE', '10004711', -2],
      ['stock.movement.v1', 'SALE', '10023456', -1],
    ]);
    expect(result.movements[0]!.source.raw).toEqual({ topic: TOPICS.shopifyWebhooks, partition: 4, offset: '77' });
    expect(result.movements[0]!.source.position).toBe('wh-77');
  });

  it('dead-letters an unknown inventory item with its reason, field and original bytes', () => {
    const value = Buffer.from(JSON.stringify({ ...JSON.parse(body('inventory-levels-update').toString()), inventory_item_id: 45127829699999 }));
    const result = mapWebhookRecord(TOPICS.shopifyWebhooks, 1, record('inventory_levels/update', value, '9'));
    expect(result.outcome).toBe('dead_lettered');
    expect(result.movements).toEqual([]);
    expect(result.deadLetter).toMatchObject({
      reason: 'inventory item 45127829699999 has no known SKU',
      field: 'inventory_item_id',
      stage: 'map',
      worker: 'sink-shopify',
      source: { topic: TOPICS.shopifyWebhooks, partition: 1, offset: '9' },
      key: Buffer.from('wh-9'),
    });
    expect(Buffer.compare(result.deadLetter!.value!, value)).toBe(0);
  });

  it('dead-letters bytes that are not JSON, or a record without its Shopify headers, at the decode stage', () => {
    expect(mapWebhookRecord(TOPICS.shopifyWebhooks, 0, record('orders/create', Buffer.from('{"id": 61234'), '1')).deadLetter).toMatchObject({ stage: 'decode' });
    const headerless = record('orders/create', body('orders-create'), '2');
    headerless.headers = {};
    expect(mapWebhookRecord(TOPICS.shopifyWebhooks, 0, headerless).deadLetter).toMatchObject({ stage: 'decode', field: 'x-shopify-topic' });
  });

  it('skips a refund that restocked nothing', () => {
    const refund = JSON.parse(body('refunds-create').toString()) as { refund_line_items: unknown[] };
    refund.refund_line_items = refund.refund_line_items.slice(1);
    expect(mapWebhookRecord(TOPICS.shopifyWebhooks, 0, record('refunds/create', Buffer.from(JSON.stringify(refund)), '3')).outcome).toBe('skipped');
  });
});
