import type { Producer, ProducerRecord } from 'kafkajs';
import type { Pool } from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DependencyError } from '../../../../core/errors';
import { loadShopifyConfig } from '../../../../core/shopify';
import { TOPICS } from '../../../../core/topics';
import type { ShopifyCaller } from '../../../../hub/channels/shopify/caller';
import { createChannelMetrics } from '../../../../hub/channels/shopify/metrics';
import { FIRST_READBACK_AFTER_MS, OrderReadBack } from '../../../../hub/channels/shopify/readback';
import { development } from '../../../support/development';

const logger = pino({ level: 'silent' });
const CHANNEL = 'stockhub-shopify-channel';
const EVERY_MS = 300_000;
const MARGIN_MS = 60_000;
const FIRST_START = Date.parse('2026-11-29T10:00:00.000Z');

const order = {
  legacyResourceId: '1124',
  name: '#1124',
  createdAt: '2026-11-29T10:00:02Z',
  updatedAt: '2026-11-29T10:00:02Z',
  sourceName: 'web',
  retailLocation: null,
  lineItems: { nodes: [{ id: 'gid://shopify/LineItem/9001', sku: '10000001', quantity: 1 }] },
};

/**
 * One hub database (shopify_readback as an in-memory row per channel, surviving "restarts"),
 * Shopify answering `order` to every orders query, and a producer that fails while `brokerDown`.
 */
function world() {
  const watermarks = new Map<string, Date>();
  const queries: string[] = [];
  const sent: ProducerRecord[] = [];
  let brokerDown = false;
  const pool = {
    query: async (sql: string, [channel, at]: [string, Date]) => {
      if (sql.includes('RETURNING orders_to')) {
        if (!watermarks.has(channel)) watermarks.set(channel, at);
        return { rows: [{ orders_to: watermarks.get(channel)! }] };
      }
      const stored = watermarks.get(channel);
      watermarks.set(channel, stored && stored > at ? stored : at);
      return { rows: [] };
    },
  } as unknown as Pool;
  const caller = {
    call: async (_operation: string, _document: string, variables: { query: string }) => {
      queries.push(variables.query);
      return { data: { orders: { nodes: [order], pageInfo: { hasNextPage: false, endCursor: null } } }, cost: null };
    },
  } as unknown as ShopifyCaller;
  const producer = {
    send: async (record: ProducerRecord) => {
      if (brokerDown) throw new DependencyError('broker down', 'kafka');
      sent.push(record);
    },
  } as unknown as Producer;
  const channel = () =>
    new OrderReadBack(pool, caller, producer, loadShopifyConfig(development()), CHANNEL, { everyMs: EVERY_MS, marginMs: MARGIN_MS }, createChannelMetrics({ registry: new Registry() } as never), logger);
  return {
    watermarks,
    queries,
    sent,
    channel,
    setBrokerDown: (down: boolean) => void (brokerDown = down),
  };
}

const updatedSince = (ms: number): string => `updated_at:>='${new Date(ms).toISOString()}'`;

describe('OrderReadBack', () => {
  let running: OrderReadBack[] = [];
  const started = async (readBack: OrderReadBack, at: number): Promise<OrderReadBack> => {
    running.push(readBack);
    await readBack.start(new Date(at));
    return readBack;
  };

  beforeEach(() => jest.useFakeTimers({ now: FIRST_START }));
  afterEach(() => {
    for (const readBack of running) readBack.stop();
    running = [];
    jest.useRealTimers();
  });

  it('on a fresh database stores the start as the first watermark and, soon after, reads back from it less the margin', async () => {
    const w = world();
    await started(w.channel(), FIRST_START);
    expect(w.watermarks.get(CHANNEL)).toEqual(new Date(FIRST_START));
    expect(w.queries).toEqual([]);

    await jest.advanceTimersByTimeAsync(FIRST_READBACK_AFTER_MS);
    expect(w.queries).toEqual([updatedSince(FIRST_START - MARGIN_MS)]);
    expect(w.sent.map((r) => [r.topic, r.messages[0]!.key])).toEqual([[TOPICS.shopifyWebhooks, `readback:1124:${order.updatedAt}`]]);
    expect(w.watermarks.get(CHANNEL)).toEqual(new Date(FIRST_START + FIRST_READBACK_AFTER_MS));
  });

  it('still covers the first start after a restart that came before any read-back succeeded', async () => {
    const w = world();
    const first = await started(w.channel(), FIRST_START);
    // The broker dies right after the start: the order's webhook is lost, the read-back fails.
    w.setBrokerDown(true);
    await jest.advanceTimersByTimeAsync(FIRST_READBACK_AFTER_MS);
    expect(w.sent).toEqual([]);
    first.stop();

    w.setBrokerDown(false);
    await jest.advanceTimersByTimeAsync(30_000);
    await started(w.channel(), Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_READBACK_AFTER_MS);
    expect(w.queries.at(-1)).toBe(updatedSince(FIRST_START - MARGIN_MS));
    expect(w.sent).toHaveLength(1);
  });

  it('after a restart reads back from the stored watermark within seconds, then every period from where the last one began', async () => {
    const w = world();
    const stored = FIRST_START - 3_600_000;
    w.watermarks.set(CHANNEL, new Date(stored));
    await started(w.channel(), FIRST_START);
    expect(w.watermarks.get(CHANNEL)).toEqual(new Date(stored));

    await jest.advanceTimersByTimeAsync(FIRST_READBACK_AFTER_MS);
    expect(w.queries).toEqual([updatedSince(stored - MARGIN_MS)]);
    await jest.advanceTimersByTimeAsync(EVERY_MS);
    expect(w.queries).toEqual([updatedSince(stored - MARGIN_MS), updatedSince(FIRST_START + FIRST_READBACK_AFTER_MS - MARGIN_MS)]);
  });

  it('reads back from before an outage once Shopify answers again', async () => {
    const w = world();
    const readBack = await started(w.channel(), FIRST_START);
    await readBack.readBackFrom(FIRST_START + 120_000);
    expect(w.queries).toEqual([updatedSince(FIRST_START + 120_000 - MARGIN_MS)]);
  });
});
