import { createHmac } from 'node:crypto';
import express from 'express';
import type { Producer, ProducerRecord } from 'kafkajs';
import { createLogger } from '../../../core/logging';
import { createShopify, loadShopifyConfig } from '../../../core/shopify';
import type { RunningEmulator } from '../../../emulators/shopify';
import { createShopifyWebhookRouter } from '../../../sinks/shopify';
import { inventoryLevelSchema, orderSchema } from '../../../sinks/shopify/payloads';
import { listen } from '../../support/listen';
import { addItems, control, DC01, gql, locationGid, S001, SECRET, startEmulator, startReceiver, type Received } from './support';
import { development } from '../../support/development';

const json = (r: Received) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
const topicOf = (r: Received) => r.headers['x-shopify-topic'];

describe('webhooks', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let running: RunningEmulator;
  let ids: Record<string, string>;

  beforeAll(async () => {
    receiver = await startReceiver();
    running = await startEmulator({ webhooksEnabled: true, webhookUrl: receiver.url, webhookRetryDelaysMs: [20, 20] });
    ids = await addItems(running.url, [{ sku: '10000001', levels: { [S001]: 10, [DC01]: 4 } }, { sku: '10000002', levels: { [S001]: 1 } }]);
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.status = 200;
  });
  afterAll(async () => {
    await running.close();
    await receiver.close();
  });

  it('signs a staff edit’s inventory_levels/update with the app secret over the exact body', async () => {
    await control(running.url, 'POST', '/levels', { sku: '10000001', locationId: S001, available: 8 });
    const [hook] = await receiver.waitFor(1);
    expect(hook!.headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', SECRET).update(hook!.body).digest('base64'));
    expect(hook!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'inventory_levels/update',
      'x-shopify-shop-domain': 'retailmax.myshopify.com',
      'x-shopify-api-version': '2026-07',
      'x-shopify-webhook-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'x-shopify-event-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'x-shopify-triggered-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(json(hook!)).toEqual({
      inventory_item_id: 43000000001,
      location_id: Number(S001),
      available: 8,
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
      admin_graphql_api_id: `gid://shopify/InventoryLevel/${S001}?inventory_item_id=43000000001`,
    });
    expect(inventoryLevelSchema.parse(json(hook!))).toMatchObject({ inventory_item_id: '43000000001', location_id: S001, available: 8 });
  });

  it('loses the webhook of an edit made with webhook:false, and counts it dropped', async () => {
    await running.emulator.webhooks.drain();
    const before = (await control(running.url, 'GET', '/stats')).body.webhooks.dropped;
    const edit = await control(running.url, 'POST', '/levels', { sku: '10000001', locationId: S001, available: 7, webhook: false });
    expect(edit.body).toMatchObject({ sku: '10000001', locationId: S001, hubLocation: 'S001', available: 7 });
    await running.emulator.webhooks.drain();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received).toHaveLength(0);
    expect((await control(running.url, 'GET', '/stats')).body.webhooks.dropped).toBe(before + 1);
  });

  it('takes an order’s units from stock and sends orders/create in the shape the sink parses', async () => {
    const pos = await control(running.url, 'POST', '/orders', { lines: [{ sku: '10000001', quantity: 2 }, { sku: '10000002', quantity: 3 }], locationId: S001 });
    expect(pos.status).toBe(201);
    const received = await receiver.waitFor(3);
    const order = received.find((r) => topicOf(r) === 'orders/create')!;
    // Ids are unique per emulator run (as Shopify's are for good): read them from the answer.
    const id = pos.body.id as number;
    const [firstLine, secondLine] = (pos.body.line_items as Array<{ id: number }>).map((line) => line.id);
    expect(secondLine).toBe(firstLine! + 1);
    expect(json(order)).toEqual({
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: '#1001',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      source_name: 'pos',
      app_id: null,
      location_id: Number(S001),
      line_items: [
        { id: firstLine, sku: '10000001', quantity: 2, variant_id: null, title: 'SKU 10000001' },
        { id: secondLine, sku: '10000002', quantity: 3, variant_id: null, title: 'SKU 10000002' },
      ],
      refunds: [],
    });
    expect(orderSchema.parse(json(order))).toMatchObject({ id: String(id), location_id: S001, source_name: 'pos', line_items: [{ sku: '10000001', quantity: 2 }, { sku: '10000002', quantity: 3 }] });
    const levels = received.filter((r) => topicOf(r) === 'inventory_levels/update').map((r) => inventoryLevelSchema.parse(json(r)));
    // Sold below zero: Shopify keeps selling.
    expect(levels.map((l) => [l.inventory_item_id, l.available])).toEqual(expect.arrayContaining([['43000000001', 5], ['43000000002', -2]]));

    receiver.received.length = 0;
    const web = (await control(running.url, 'POST', '/orders', { lines: [{ sku: '10000001', quantity: 1 }] })).body;
    expect(web).toMatchObject({ name: '#1002', source_name: 'web', location_id: null });
    const webLevel = (await receiver.waitFor(2)).find((r) => topicOf(r) === 'inventory_levels/update')!;
    expect(json(webLevel)).toMatchObject({ location_id: Number(DC01), available: 3 });
  });

  it('sends one inventory_levels/update per level a mutation changed', async () => {
    const input = {
      name: 'available',
      reason: 'correction',
      quantities: [
        { inventoryItemId: ids['10000001'], locationId: locationGid(S001), quantity: 30, changeFromQuantity: null },
        { inventoryItemId: ids['10000002'], locationId: locationGid(S001), quantity: -2, changeFromQuantity: null },
      ],
    };
    const answer = await gql(running.url, 'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }', { input });
    expect(answer.body.data.inventorySetQuantities.userErrors).toEqual([]);
    await running.emulator.webhooks.drain();
    expect(receiver.received.map((r) => [topicOf(r), json(r).inventory_item_id, json(r).available])).toEqual([['inventory_levels/update', 43000000001, 30]]);
  });

  it('retries a failing receiver with the same webhook id, then counts it failed', async () => {
    receiver.status = 500;
    const before = running.emulator.webhooks.stats().failed;
    await control(running.url, 'POST', '/levels', { sku: '10000002', locationId: S001, available: 11 });
    await running.emulator.webhooks.drain();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['x-shopify-webhook-id'])).size).toBe(1);
    expect(running.emulator.webhooks.stats().failed).toBe(before + 1);
  });

  it('loses webhooks while offline or switched off', async () => {
    const before = running.emulator.webhooks.stats().dropped;
    await control(running.url, 'POST', '/offline', { offline: true });
    await control(running.url, 'POST', '/levels', { sku: '10000002', locationId: S001, available: 12 });
    await control(running.url, 'POST', '/offline', { offline: false });
    await control(running.url, 'POST', '/webhooks', { enabled: false });
    await control(running.url, 'POST', '/levels', { sku: '10000002', locationId: S001, available: 13 });
    await control(running.url, 'POST', '/webhooks', { enabled: true });
    await running.emulator.webhooks.drain();
    expect(receiver.received).toHaveLength(0);
    expect(running.emulator.webhooks.stats().dropped).toBe(before + 2);
  });
});

describe('webhooks into the real sink edge', () => {
  it('pass the sink’s @shopify/shopify-api HMAC check and reach its producer', async () => {
    const sent: ProducerRecord[] = [];
    const producer = { send: async (record: ProducerRecord) => void sent.push(record) } as unknown as Producer;
    const delivered = new Set<string>();
    const dedupe = { isDuplicate: async (id: string) => delivered.has(id), markDelivered: async (id: string) => void delivered.add(id) };
    const app = express();
    const config = loadShopifyConfig(development());
    app.use(createShopifyWebhookRouter({ shopify: createShopify(config), shop: config.shop, producer, dedupe, logger: createLogger('sink-test', 'silent') }));
    const sink = await listen(app);
    const running = await startEmulator({ webhooksEnabled: true, webhookUrl: `${sink.url}/webhooks/shopify`, webhookRetryDelaysMs: [] });
    try {
      await addItems(running.url, [{ sku: '10000001', levels: { [S001]: 2 } }]);
      await control(running.url, 'POST', '/orders', { lines: [{ sku: '10000001', quantity: 1 }], locationId: S001 });
      await running.emulator.webhooks.drain();
      expect(running.emulator.webhooks.stats()).toMatchObject({ sent: 2, failed: 0 });
      expect(sent).toHaveLength(2);
    } finally {
      await running.close();
      await sink.close();
    }
  });
});
