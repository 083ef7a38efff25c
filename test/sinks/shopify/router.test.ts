import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { Producer, ProducerRecord } from 'kafkajs';
import { createLogger } from '../../../core/logging';
import { TOPICS } from '../../../core/topics';
import { createShopify, loadShopifyConfig } from '../../../core/shopify';
import { createShopifyWebhookRouter, type WebhookDeduper } from '../../../sinks/shopify';
import { listen } from '../../support/listen';
import { development } from '../../support/development';

const SECRET = 'test-webhook-secret-6f1c';
const config = loadShopifyConfig(development({ SHOPIFY_API_SECRET: SECRET }));
const shopify = createShopify(config);
const SHOP = config.shop;
const orderBody = readFileSync(join(__dirname, 'fixtures', 'orders-create.json'));

/** What Shopify puts in X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body with the app secret. */
const sign = (body: Buffer, secret = SECRET): string => createHmac('sha256', secret).update(body).digest('base64');

const shopifyHeaders = (body: Buffer, overrides: Record<string, string | null> = {}): Record<string, string> => {
  const headers: Record<string, string | null> = {
    'content-type': 'application/json',
    'x-shopify-topic': 'orders/create',
    'x-shopify-hmac-sha256': sign(body),
    'x-shopify-shop-domain': 'retailmax.myshopify.com',
    'x-shopify-api-version': '2026-07',
    'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'x-shopify-triggered-at': '2026-11-27T13:15:03.512Z',
    'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== null));
};

/** An in-memory deduper: the behaviour the router relies on, without Redis. */
class MemoryDeduper implements WebhookDeduper {
  readonly delivered = new Set<string>();
  async isDuplicate(webhookId: string) {
    return this.delivered.has(webhookId);
  }
  async markDelivered(webhookId: string) {
    this.delivered.add(webhookId);
  }
}

describe('POST /webhooks/shopify', () => {
  let sent: ProducerRecord[];
  let send: jest.Mock;
  let dedupe: MemoryDeduper;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeEach(async () => {
    sent = [];
    send = jest.fn(async (record: ProducerRecord) => {
      sent.push(record);
      return [];
    });
    dedupe = new MemoryDeduper();
    const app = express();
    app.use(createShopifyWebhookRouter({ shopify, shop: SHOP, producer: { send } as unknown as Producer, dedupe, logger: createLogger('test', 'silent') }));
    server = await listen(app);
  });
  afterEach(() => server.close());

  const deliver = (body: Buffer, headers: Record<string, string>) => fetch(`${server.url}/webhooks/shopify`, { method: 'POST', headers, body });

  it('accepts a genuine webhook and writes its exact bytes and headers to Kafka before answering', async () => {
    const response = await deliver(orderBody, shopifyHeaders(orderBody));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'accepted' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: TOPICS.shopifyWebhooks, acks: -1 });
    const message = sent[0]!.messages[0]!;
    expect(message.key).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    expect(Buffer.compare(message.value as Buffer, orderBody)).toBe(0);
    expect(message.headers).toMatchObject({
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'retailmax.myshopify.com',
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'x-shopify-api-version': '2026-07',
      'x-shopify-triggered-at': '2026-11-27T13:15:03.512Z',
      'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
    });
  });

  it('refuses a forged signature, a body changed after signing, and no signature at all with 401', async () => {
    expect((await deliver(orderBody, shopifyHeaders(orderBody, { 'x-shopify-hmac-sha256': sign(orderBody, 'not-the-secret') }))).status).toBe(401);
    const tampered = Buffer.from(orderBody.toString('utf8').replace('"quantity": 2', '"quantity": 20'));
    expect((await deliver(tampered, shopifyHeaders(orderBody))).status).toBe(401);
    expect((await deliver(orderBody, shopifyHeaders(orderBody, { 'x-shopify-hmac-sha256': null }))).status).toBe(401);
    expect(send).not.toHaveBeenCalled();
  });

  it("refuses a webhook signed with the app's secret but for another shop with 401: the secret signs every shop's webhooks", async () => {
    const response = await deliver(orderBody, shopifyHeaders(orderBody, { 'x-shopify-shop-domain': 'other-shop.myshopify.com' }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: `webhook for shop other-shop.myshopify.com; this hub serves ${SHOP}` });
    expect((await deliver(orderBody, shopifyHeaders(orderBody, { 'x-shopify-shop-domain': null }))).status).toBe(401);
    expect(send).not.toHaveBeenCalled();
    expect(dedupe.delivered.size).toBe(0);
  });

  describe('authentication before the body', () => {
    const big = Buffer.alloc(6 * 1024 * 1024, 'x');

    it.each([
      ['no signature and a body that is not JSON', Buffer.from('{"id":'), { 'x-shopify-hmac-sha256': null }],
      ['no signature and a body over the 5 MiB limit', big, { 'x-shopify-hmac-sha256': null }],
      ['a signature that is not an HMAC-SHA256 and an oversized body', big, { 'x-shopify-hmac-sha256': 'not-base64!' }],
      ['a wrong signature and an oversized body', big, { 'x-shopify-hmac-sha256': sign(big, 'not-the-secret') }],
      ['another shop and an oversized body', big, { 'x-shopify-shop-domain': 'other-shop.myshopify.com' }],
    ])('401, never 400 or 413, for %s', async (_case, body, overrides) => {
      const response = await deliver(body, shopifyHeaders(body, overrides));
      expect(response.status).toBe(401);
      expect(send).not.toHaveBeenCalled();
    });

    it('413 only for an oversized body whose signature checks', async () => {
      const response = await deliver(big, shopifyHeaders(big));
      expect(response.status).toBe(413);
      expect(send).not.toHaveBeenCalled();
    });

    it('stops reading at twice the limit: a caller cannot stream a body without end (413, connection closed)', async () => {
      const huge = Buffer.alloc(11 * 1024 * 1024, 'x');
      const response = await deliver(huge, shopifyHeaders(huge));
      expect(response.status).toBe(413);
      expect(response.headers.get('connection')).toBe('close');
      expect(send).not.toHaveBeenCalled();
    });
  });

  it('answers a genuine webhook that lacks required headers with 400 naming them', async () => {
    const response = await deliver(orderBody, shopifyHeaders(orderBody, { 'x-shopify-webhook-id': null }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: 'X-Shopify-Webhook-Id' });
    expect(send).not.toHaveBeenCalled();
  });

  it('acknowledges topics that move no stock without writing them', async () => {
    const body = Buffer.from(JSON.stringify({ id: 8123456789012, title: 'Caneca Térmica 500ml' }));
    const response = await deliver(body, shopifyHeaders(body, { 'x-shopify-topic': 'products/update' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ignored' });
    expect(send).not.toHaveBeenCalled();
  });

  it('writes a redelivered webhook id once', async () => {
    expect((await deliver(orderBody, shopifyHeaders(orderBody))).status).toBe(200);
    const again = await deliver(orderBody, shopifyHeaders(orderBody));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('answers 503 when Kafka fails and does not remember the id, so that Shopify retry gets through', async () => {
    send.mockRejectedValueOnce(new Error('KafkaJSNumberOfRetriesExceeded'));
    expect((await deliver(orderBody, shopifyHeaders(orderBody))).status).toBe(503);
    expect(dedupe.delivered.size).toBe(0);
    expect((await deliver(orderBody, shopifyHeaders(orderBody))).status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('fails loudly (500, not 401) when an app-wide body parser ran first and ate the signed bytes', async () => {
    const app = express();
    app.use(express.json());
    app.use(createShopifyWebhookRouter({ shopify, shop: SHOP, producer: { send } as unknown as Producer, dedupe, logger: createLogger('test', 'silent') }));
    const miswired = await listen(app);
    try {
      const response = await fetch(`${miswired.url}/webhooks/shopify`, { method: 'POST', headers: shopifyHeaders(orderBody), body: orderBody });
      expect(response.status).toBe(500);
      expect(send).not.toHaveBeenCalled();
    } finally {
      await miswired.close();
    }
  });
});
