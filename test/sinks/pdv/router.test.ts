import express from 'express';
import type { TopicMessages } from 'kafkajs';
import { deterministicEventId, type StockMovement } from '../../../core/model';
import { createLogger } from '../../../core/logging';
import { TOPICS } from '../../../core/topics';
import { createPdvRouter, StoreTokens } from '../../../sinks/pdv';
import type { MovementPublisher } from '../../../sinks/runtime';
import { listen } from '../../support/listen';

const tokens = new StoreTokens({ S001: 'dev-token-S001', S002: 'dev-token-S002' });
const LIMITS = { maxClockSkewMs: 5 * 60_000, maxLineQuantity: 10_000 };

const tillEvent = (n: number, overrides: Record<string, unknown> = {}) => ({
  id: `T03-000184-${n}`,
  type: 'SALE',
  sku: `1000471${n}`,
  quantity: n,
  occurredAt: '2026-11-27T14:03:11-03:00',
  till: 'T03',
  cashier: 'C0412',
  receipt: 'T03-000184',
  line: n,
  ...overrides,
});

/** A fake publisher: each call's movements and records alongside are recorded; `gate` holds publish until released. */
function fakes() {
  const published: StockMovement[][] = [];
  const alongside: TopicMessages[][] = [];
  let gate: Promise<void> = Promise.resolve();
  const publish = jest.fn(async (events: readonly StockMovement[], _deadLetters: unknown, others: readonly TopicMessages[] = []) => {
    await gate;
    published.push([...events]);
    alongside.push([...others]);
  });
  return {
    published,
    alongside,
    publish,
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
    publisher: { publish } as unknown as MovementPublisher,
  };
}

async function serve(f: ReturnType<typeof fakes>) {
  const app = express();
  app.use(createPdvRouter({ publisher: f.publisher, tokens, limits: LIMITS, logger: createLogger('test', 'silent') }));
  return listen(app);
}

const post = (url: string, store: string, body: unknown, token = `dev-token-${store}`, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/stores/${store}/movements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /v1/stores/:storeId/movements', () => {
  let f: ReturnType<typeof fakes>;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeEach(async () => {
    f = fakes();
    server = await serve(f);
  });
  afterEach(() => server.close());

  describe('auth', () => {
    it('401 without a token, with an unknown one, or with another scheme', async () => {
      const noToken = await fetch(`${server.url}/v1/stores/S001/movements`, { method: 'POST', body: JSON.stringify([tillEvent(1)]) });
      expect(noToken.status).toBe(401);
      expect((await post(server.url, 'S001', [tillEvent(1)], 'dev-token-S999')).status).toBe(401);
      const basic = await fetch(`${server.url}/v1/stores/S001/movements`, { method: 'POST', headers: { authorization: 'Basic ZGV2OmRldg==' }, body: '[]' });
      expect(basic.status).toBe(401);
      expect(f.publish).not.toHaveBeenCalled();
    });

    it.each([
      ['a body that is not JSON', '{"id":'],
      ['a body over the 1 MB limit', JSON.stringify([tillEvent(1, { reason: 'x'.repeat(2 * 1024 * 1024) })])],
    ])('401, not 400 or 413, without a token for %s: authentication runs before the body is read', async (_case, body) => {
      const response = await fetch(`${server.url}/v1/stores/S001/movements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(401);
      expect(f.publish).not.toHaveBeenCalled();
    });

    it("403 when one store's token posts for another store", async () => {
      const response = await post(server.url, 'S002', [tillEvent(1)], 'dev-token-S001');
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: 'token is not valid for store S002' });
      expect(f.publish).not.toHaveBeenCalled();
    });
  });

  describe('validation (all or nothing)', () => {
    it.each([
      ['a quantity that is a string', [tillEvent(1), tillEvent(2), tillEvent(3), tillEvent(4, { quantity: '4' })], '[3].quantity'],
      ['a zero quantity', [tillEvent(1, { quantity: 0 })], '[0].quantity'],
      ['a type tills do not send', [tillEvent(1), tillEvent(2, { type: 'ADJUSTMENT' })], '[1].type'],
      ['a missing id', [tillEvent(1, { id: undefined })], '[0].id'],
      ['a time without offset', [tillEvent(1, { occurredAt: '2026-11-27 14:03:11' })], '[0].occurredAt'],
      ['an unknown field', [tillEvent(1, { qty: 1 })], '[0]'],
      ['one till id twice', [tillEvent(1), tillEvent(2), tillEvent(1, { sku: '10009999' })], '[2].id'],
      ['a NUL in a SKU (PostgreSQL cannot store it)', [tillEvent(1), tillEvent(2, { sku: '1000\u00004711' })], '[1].sku'],
      ['a DEL in a till id', [tillEvent(1, { id: 'T03-\u007f1' })], '[0].id'],
      ['a line feed in a receipt', [tillEvent(1, { receipt: 'T03-\n000184' })], '[0].receipt'],
      ['a sale dated 2099', [tillEvent(1), tillEvent(2, { occurredAt: '2099-01-01T00:00:00Z' })], '[1].occurredAt'],
      ['a sale 6 minutes ahead of the clock (tolerance 5)', [tillEvent(1, { occurredAt: new Date(Date.now() + 6 * 60_000).toISOString() })], '[0].occurredAt'],
      ['more units in a line than the limit', [tillEvent(1, { quantity: 10_001 })], '[0].quantity'],
    ])('400 naming the field for %s, and nothing written', async (_case, body, field) => {
      const response = await post(server.url, 'S001', body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: string; field?: string };
      expect(answer.field).toBe(field);
      expect(answer.error).toContain(field);
      expect(f.publish).not.toHaveBeenCalled();
    });

    it('400 for a body that is not a JSON array of 1..1000 events', async () => {
      expect((await post(server.url, 'S001', '{"id":')).status).toBe(400);
      expect((await post(server.url, 'S001', { events: [] })).status).toBe(400);
      expect((await post(server.url, 'S001', [])).status).toBe(400);
      const tooMany = Array.from({ length: 1001 }, (_, i) => tillEvent(1, { id: `T03-${i}` }));
      expect((await post(server.url, 'S001', tooMany)).status).toBe(400);
      expect(f.publish).not.toHaveBeenCalled();
    });
  });

  it('202 for a sale within the clock-skew tolerance and a line at the limit', async () => {
    const body = [tillEvent(1, { occurredAt: new Date(Date.now() + 4 * 60_000).toISOString() }), tillEvent(2, { quantity: 10_000, reason: 'linha 1\nlinha 2' })];
    expect((await post(server.url, 'S001', body)).status).toBe(202);
  });

  it('202 with the event ids; SALE negative, RETURN positive; the post kept as sent for audit, in the same write', async () => {
    const body = JSON.stringify([tillEvent(1), tillEvent(2, { type: 'RETURN', reason: 'defeito' })]);
    const response = await post(server.url, 'S001', body, 'dev-token-S001', { 'x-request-id': 'req-42' });
    expect(response.status).toBe(202);
    const ids = [deterministicEventId('pdv', 'S001', 'T03-000184-1'), deterministicEventId('pdv', 'S001', 'T03-000184-2')];
    expect(await response.json()).toEqual({ accepted: 2, eventIds: ids });
    expect(response.headers.get('x-request-id')).toBe('req-42');

    const events = f.published[0]!;
    expect(events.map((e) => [e.type, e.sku, e.quantity, e.locationId])).toEqual([
      ['SALE', '10004711', -1, 'S001'],
      ['RETURN', '10004712', 2, 'S001'],
    ]);
    expect(events[1]!.reason).toBe('defeito');

    expect(f.publish).toHaveBeenCalledTimes(1);
    expect(f.alongside[0]!.map((t) => t.topic)).toEqual([TOPICS.pdvMovements]);
    const [audit] = f.alongside[0]![0]!.messages;
    expect(audit!.key).toBe('S001');
    expect(Buffer.from(audit!.value as Buffer).toString('utf8')).toBe(body);
    expect(audit!.headers).toMatchObject({ 'request.id': 'req-42', 'store.id': 'S001' });
  });

  it('a retried batch yields the same event ids (the ledger applies them once)', async () => {
    const batch = [tillEvent(1), tillEvent(2), tillEvent(3)];
    const first = (await (await post(server.url, 'S001', batch)).json()) as { eventIds: string[] };
    const retry = (await (await post(server.url, 'S001', batch)).json()) as { eventIds: string[] };
    expect(retry.eventIds).toEqual(first.eventIds);
    expect(f.published[1]!.map((e) => e.eventId)).toEqual(f.published[0]!.map((e) => e.eventId));
    const requestId = (call: number) => f.alongside[call]![0]!.messages[0]!.headers!['request.id'];
    expect(requestId(1)).not.toBe(requestId(0));
  });

  it('answers only after Kafka acknowledged the canonical events and the audit copy', async () => {
    const release = f.hold();
    const pending = post(server.url, 'S001', [tillEvent(1)]);
    const early = await Promise.race([pending.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 150))]);
    expect(early).toBe('waiting');
    expect(f.publish).toHaveBeenCalledTimes(1);
    release();
    expect((await pending).status).toBe(202);
  });

  it('503 when Kafka does not acknowledge, so that the till retries', async () => {
    f.publish.mockRejectedValueOnce(new Error('KafkaJSNumberOfRetriesExceeded: connect ECONNREFUSED 127.0.0.1:9092'));
    const response = await post(server.url, 'S001', [tillEvent(1)]);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'kafka unavailable, retry later' });
  });
});
