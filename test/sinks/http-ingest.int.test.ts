/**
 * The HTTP edge on the live stack: a PDV batch and a signed Shopify webhook each become canonical
 * movements on Kafka; forged, foreign and malformed requests are refused with the right status.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deterministicEventId, type StockMovement } from '../../core/model';
import { TOPICS } from '../../core/topics';
import { loadShopifyConfig } from '../../core/shopify';
import { TopicWatcher, type Received } from '../support/kafka';
import { startSinks, type Service } from '../support/services';

const PORT = 18091;
const WITHIN_MS = 5_000;
const run = randomUUID().slice(0, 8);
const movement = (r: Received): StockMovement => r.value as StockMovement;
const isMovement = (r: Received): boolean => r.topic === TOPICS.movements;

describe('HTTP ingest', () => {
  let sink: Service;
  let watcher: TopicWatcher;

  beforeAll(async () => {
    watcher = new TopicWatcher('http-ingest', [TOPICS.movements, TOPICS.pdvMovements, TOPICS.shopifyWebhooks]);
    await watcher.start();
    sink = await startSinks('http', PORT, run);
  });

  afterAll(async () => {
    await sink?.stop();
    await watcher.stop();
  });

  describe('PDV batches', () => {
    const post = (storeId: string, token: string | null, body: unknown) =>
      fetch(`${sink.url}/v1/stores/${storeId}/movements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const batch = [
      { id: `T02-${run}-1`, type: 'SALE', sku: '10004711', quantity: 2, occurredAt: '2026-11-29T10:00:00+01:00', till: 'T02', cashier: 'ana.r', receipt: `R-${run}`, line: 1 },
      { id: `T02-${run}-2`, type: 'RETURN', sku: '10000042', quantity: 1, occurredAt: '2026-11-29T10:01:00+01:00', till: 'T02', receipt: `R-${run}`, line: 2, reason: 'wrong size' },
    ];

    it('acknowledges a batch once Kafka has it, as canonical events with till-minted ids', async () => {
      const response = await post('S003', 'dev-token-S003', batch);
      expect(response.status).toBe(202);
      const ids = batch.map((e) => deterministicEventId('pdv', 'S003', e.id));
      expect((await response.json()) as unknown).toMatchObject({ accepted: 2, eventIds: ids });
      // acks=-1 before the answer: the events are on the topic by now, not merely on their way.
      const sale = await watcher.waitFor((r) => isMovement(r) && movement(r).eventId === ids[0], WITHIN_MS, 'PDV sale');
      expect(movement(sale)).toMatchObject({ type: 'SALE', sku: '10004711', locationId: 'S003', quantity: -2, occurredAt: '2026-11-29T09:00:00.000Z', correlationId: `R-${run}`, source: { system: 'PDV', instance: 'S003' } });
      const ret = await watcher.waitFor((r) => isMovement(r) && movement(r).eventId === ids[1], WITHIN_MS, 'PDV return');
      expect(movement(ret)).toMatchObject({ type: 'RETURN', quantity: 1, reason: 'wrong size' });
      await watcher.waitFor((r) => r.topic === TOPICS.pdvMovements && String(r.message.value).includes(`T02-${run}-1`), WITHIN_MS, 'audit copy');
    });

    it('gives a retried batch the same event ids', async () => {
      const response = await post('S003', 'dev-token-S003', batch);
      expect(response.status).toBe(202);
      expect(((await response.json()) as { eventIds: string[] }).eventIds).toEqual(batch.map((e) => deterministicEventId('pdv', 'S003', e.id)));
    });

    it('refuses a missing token (401) and another store\'s token (403)', async () => {
      expect((await post('S003', null, batch)).status).toBe(401);
      expect((await post('S003', 'dev-token-S004', batch)).status).toBe(403);
    });

    it('answers a malformed batch with a 4xx naming the field, and publishes nothing of it', async () => {
      const bad = [batch[0], { ...batch[1], id: `T02-${run}-bad`, quantity: -1 }];
      const response = await post('S003', 'dev-token-S003', bad);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe('[1].quantity');
    });

    it.each([
      ['a NUL in a SKU, which PostgreSQL cannot store', { sku: '1000\u00004711' }, '[1].sku'],
      ['a sale dated 2099, which every count until then would re-add', { occurredAt: '2099-01-01T00:00:00Z' }, '[1].occurredAt'],
    ])('refuses %s: 400 naming the field, and nothing of the batch published', async (_case, change, field) => {
      const id = `T02-${run}-${field.replace(/\W/g, '')}`;
      const response = await post('S003', 'dev-token-S003', [{ ...batch[0], id: `${id}-ok` }, { ...batch[0], id, ...change }]);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(field);
      await new Promise((r) => setTimeout(r, 1_000));
      const ids = [`${id}-ok`, id].map((tillId) => deterministicEventId('pdv', 'S003', tillId));
      expect(watcher.all().filter((r) => isMovement(r) && ids.includes(movement(r).eventId))).toEqual([]);
    });
  });

  it('exposes Prometheus metrics counting what it published', async () => {
    const text = await (await fetch(`${sink.url}/metrics`)).text();
    expect(text).toMatch(/^stockhub_movements_published_total\{system="PDV",service="sinks"\} [1-9]/m);
  });

  describe('Shopify webhooks', () => {
    const secret = loadShopifyConfig().apiSecret;
    const order = JSON.parse(readFileSync(join(__dirname, 'shopify/fixtures/orders-create.json'), 'utf8')) as { id: number; name: string; line_items: Array<{ id: number }> };
    const deliver = (body: string, webhookId: string, hmac = createHmac('sha256', secret).update(body).digest('base64')) =>
      fetch(`${sink.url}/webhooks/shopify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-hmac-sha256': hmac,
          'x-shopify-shop-domain': 'retailmax.myshopify.com',
          'x-shopify-api-version': '2026-07',
          'x-shopify-webhook-id': webhookId,
          'x-shopify-triggered-at': new Date().toISOString(),
          'x-shopify-event-id': randomUUID(),
        },
        body,
      });
    // A fresh order per run: Shopify's line item ids make the event ids.
    const lineBase = Date.now() * 100;
    const fresh = { ...order, id: lineBase, name: `#IT-${run}`, line_items: order.line_items.map((l, i) => ({ ...l, id: lineBase + i })) };
    const body = JSON.stringify(fresh);

    it('takes a signed orders/create webhook through to canonical SALE events within 5 s', async () => {
      const started = Date.now();
      const response = await deliver(body, `wh-${run}`);
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      const sale = await watcher.waitFor((r) => isMovement(r) && movement(r).source.system === 'SHOPIFY' && movement(r).source.ref.document === `#IT-${run}` && movement(r).sku === '10004711', WITHIN_MS, 'Shopify sale');
      expect(movement(sale)).toMatchObject({ type: 'SALE', sku: '10004711', locationId: 'DC01', quantity: -2, source: { instance: 'retailmax.myshopify.com', position: `wh-${run}` } });
    });

    it('answers a re-delivered webhook id without writing it again', async () => {
      const response = await deliver(body, `wh-${run}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'duplicate' });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(watcher.all().filter((r) => r.topic === TOPICS.shopifyWebhooks && r.message.key?.toString() === `wh-${run}`)).toHaveLength(1);
    });

    it("refuses a webhook signed with the app's secret for another shop with 401, and writes nothing", async () => {
      const response = await fetch(`${sink.url}/webhooks/shopify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
          'x-shopify-shop-domain': 'another-shop.myshopify.com',
          'x-shopify-api-version': '2026-07',
          'x-shopify-webhook-id': `wh-foreign-${run}`,
        },
        body,
      });
      expect(response.status).toBe(401);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(watcher.all().filter((r) => r.topic === TOPICS.shopifyWebhooks && r.message.key?.toString() === `wh-foreign-${run}`)).toHaveLength(0);
    });

    it('refuses a forged signature with 401', async () => {
      const response = await deliver(body.replace('"quantity":2', '"quantity":200'), `wh-forged-${run}`, createHmac('sha256', secret).update(body).digest('base64'));
      expect(response.status).toBe(401);
    });
  });
});
