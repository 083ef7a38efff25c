/**
 * The dashboard's HTTP face with its sources faked: the page is open and self-contained, the
 * data needs an ops token, and a summary with every source down is still a summary.
 */
import express from 'express';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Gauge, Registry } from 'prom-client';
import { createLogger } from '../../../../core/logging';
import type { Metrics } from '../../../../core/metrics';
import type { Caller } from '../../../../hub/auth';
import { createOpsDashboard, dashboardConfigSchema, type FlowSummary } from '../../../../hub/ops/dashboard';
import { listen } from '../../../support/listen';

const tokens = new Map<string, Caller>([
  ['ops-token-for-the-test', { role: 'ops', subject: 'ops' }],
  ['store-token-for-the-test', { role: 'store', subject: 'store:S001', storeId: 'S001' }],
]);

// Nothing listens on port 9 (discard) here: every network source fails fast.
const config = dashboardConfigSchema.parse({
  CONNECT_URL: 'http://127.0.0.1:9',
  DASHBOARD_SHOPIFY_METRICS_URL: 'http://127.0.0.1:9/metrics',
  CONNECT_METRICS_URLS: 'http://127.0.0.1:9/metrics',
  DASHBOARD_SOURCE_TIMEOUT_MS: '300',
});

const downKafka = { admin: () => ({ connect: () => Promise.reject(new Error('broker down')), disconnect: async () => undefined }) } as unknown as Kafka;

function fakePool(answer: (sql: string, params: unknown[]) => unknown[] | Error): Pool {
  return {
    query: async (sql: string, params: unknown[] = []) => {
      const rows = answer(sql, params);
      if (rows instanceof Error) throw rows;
      return { rows, rowCount: rows.length };
    },
  } as unknown as Pool;
}

function app(pool: Pool, registry = new Registry()) {
  new Gauge({ name: 'stockhub_feed_connections', help: 'test', labelNames: ['store'], registers: [registry] }).set({ store: 'S007' }, 1);
  const dashboard = createOpsDashboard({ pool, kafka: downKafka, metrics: { registry } as unknown as Metrics, logger: createLogger('test', 'silent'), tokens, config });
  const server = express();
  server.use(dashboard.router);
  return { server, registry, dashboard };
}

const get = (url: string, token?: string) => fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describe('ops dashboard routes', () => {
  const pool = fakePool((sql, params) => {
    if (sql.includes('FROM stock_levels')) return [{ location_id: 'S001', on_hand: '5', reserved: '1', safety_stock: '0', version: '3', updated_at: new Date('2026-11-29T10:00:00Z') }];
    if (sql.includes('FROM ledger WHERE sku')) {
      expect(params).toEqual(['10000001', 50]);
      return [
        {
          seq: '7', applied_at: new Date('2026-11-29T10:00:01Z'), occurred_at: new Date('2026-11-29T10:00:00Z'), location_id: 'S001', type: 'SALE', quantity: '-1',
          counted_quantity: null, effect: 'applied', on_hand_before: '6', on_hand_after: '5', went_negative: false, event_id: 'e1', source_system: 'ERP',
          source_instance: 'erp-prod', source_document: 'INV-1', source_line: '2', source_position: '0/1A2B', kafka_topic: 'stock.movements', kafka_partition: 3, kafka_offset: '42',
        },
      ];
    }
    return new Error('relation does not exist');
  });
  let served: Awaited<ReturnType<typeof listen>>;
  let dashboard: ReturnType<typeof app>['dashboard'];

  beforeAll(async () => {
    const built = app(pool);
    dashboard = built.dashboard;
    served = await listen(built.server);
  });
  afterAll(async () => {
    await served.close();
    await dashboard.close();
  });

  it('serves the page without a token, with a policy that forbids anything from elsewhere', async () => {
    const redirect = await fetch(`${served.url}/dashboard`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/dashboard/');
    const page = await get(`${served.url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="app.js"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('<script src="view.js"');
    for (const file of ['view.js', 'app.js']) {
      const script = await get(`${served.url}/dashboard/${file}`);
      expect(script.status).toBe(200);
      expect(await script.text()).not.toMatch(/https?:\/\/(?!goo)/);
    }
    expect((await get(`${served.url}/dashboard/missing.js`)).status).toBe(404);
  });

  it('answers the data only to an ops token', async () => {
    expect((await get(`${served.url}/v1/ops/flow`)).status).toBe(401);
    const store = await get(`${served.url}/v1/ops/flow`, 'store-token-for-the-test');
    expect(store.status).toBe(403);
    expect(await store.json()).toEqual({ error: 'store:S001 may not read the ops dashboard (ops token required)' });
    expect((await get(`${served.url}/v1/ops/sku/10000001`, 'store-token-for-the-test')).status).toBe(403);
  });

  it('still answers the flow with every source down, each section saying why', async () => {
    const started = Date.now();
    const response = await get(`${served.url}/v1/ops/flow`, 'ops-token-for-the-test');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    const flow = (await response.json()) as FlowSummary;
    expect(flow.refreshMs).toBe(2_000);
    expect(flow.systems).toEqual({ status: 'unavailable', error: 'ledger: relation does not exist' });
    expect(flow.connectors).toMatchObject({ status: 'unavailable', error: expect.stringMatching(/^Kafka Connect: /) });
    expect(flow.consumerGroups).toEqual({ status: 'unavailable', error: 'Kafka: broker down' });
    expect(flow.rawTopics).toEqual(flow.consumerGroups);
    expect(flow.dlq).toEqual(flow.consumerGroups);
    expect(flow.shopify.channel).toMatchObject({ status: 'unavailable', error: expect.stringMatching(/^Shopify channel: /) });
    expect(flow.shopify.queue.status).toBe('unavailable');
    expect(flow.stores).toMatchObject({ status: 'ok', data: { connected: 1, stores: [{ store: 'S007', connections: 1 }] } });
  });

  it('shows a SKU levels and its ledger trail back to the document and the Kafka offset', async () => {
    const response = await get(`${served.url}/v1/ops/sku/10000001`, 'ops-token-for-the-test');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sku: '10000001',
      levels: [{ locationId: 'S001', onHand: 5, reserved: 1, safetyStock: 0, available: 4, version: 3, updatedAt: '2026-11-29T10:00:00.000Z' }],
      trail: [
        {
          seq: 7, appliedAt: '2026-11-29T10:00:01.000Z', occurredAt: '2026-11-29T10:00:00.000Z', locationId: 'S001', type: 'SALE', quantity: -1, countedQuantity: null,
          effect: 'applied', onHandBefore: 6, onHandAfter: 5, wentNegative: false, eventId: 'e1',
          source: { system: 'ERP', instance: 'erp-prod', document: 'INV-1', line: '2', position: '0/1A2B' },
          kafka: { topic: 'stock.movements', partition: 3, offset: 42 },
        },
      ],
    });
    expect((await get(`${served.url}/v1/ops/sku/${encodeURIComponent('with space')}`, 'ops-token-for-the-test')).status).toBe(400);
  });
});

describe('flow gauges on /metrics', () => {
  it('exports what it knows and stays silent on what is unavailable', async () => {
    const pool = fakePool((sql) => {
      if (sql.startsWith('SELECT coalesce(max(seq)')) return [{ top: 10, db_now: new Date('2026-11-29T10:01:00Z') }];
      if (sql.includes('GROUP BY source_system')) return [{ source_system: 'PDV', last_seq: 10, since: new Date('2026-11-29T10:00:00Z'), last_minute: 30 }];
      if (sql.includes('seq = ANY')) {
        return [{ seq: 10, source_system: 'PDV', type: 'SALE', sku: 'X', location_id: 'S001', source_document: 'T1', occurred_at: new Date('2026-11-29T10:00:50Z'), applied_at: new Date('2026-11-29T10:00:55Z') }];
      }
      return new Error('not in this test');
    });
    const { registry, dashboard } = app(pool);
    const text = await registry.metrics();
    await dashboard.close();
    expect(text).toContain('stockhub_source_last_event_age_seconds{system="PDV"} 5');
    expect(text).toContain('# TYPE stockhub_consumer_lag_messages gauge');
    expect(text).not.toMatch(/^stockhub_dlq_messages /m);
  });
});
