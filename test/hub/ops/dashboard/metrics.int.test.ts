/**
 * Every service the test support can start answers Prometheus /metrics with its stockhub_
 * metrics, labelled with its name: what config/grafana/stockhub.json reads. Each runs as a real
 * process on the live stack, in consumer groups and on topics of the test's own.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTopics } from '../../../../core/kafka';
import { testKafka } from '../../../support/kafka';
import { startService, startSinks, storeAgentEnv, type Service } from '../../../support/services';

const run = randomUUID().slice(0, 8);
const topic = `it.metrics.movements.${run}`;
const levelsTopic = `it.metrics.levels.${run}`;
const agentDir = mkdtempSync(join(tmpdir(), 'stockhub-metrics-'));
const PORTS = { sinks: 18310, reconciler: 18311, writeback: 18312, api: 18313, agent: 18314, emulator: 18315, channel: 18316 };

/** What each service must expose beyond createMetrics' shared set. */
const SERVICES: Array<{ name: string; start: () => Promise<Service>; metrics: string[] }> = [
  {
    name: 'sinks',
    start: () => startSinks(`metrics-${run}`, PORTS.sinks, run),
    metrics: ['stockhub_movements_published_total', 'stockhub_records_consumed_total', 'stockhub_dead_letters_total', 'stockhub_source_to_canonical_seconds'],
  },
  {
    name: 'reconciler',
    start: () =>
      startService('metrics-reconciler', 'hub/reconciler/main.ts', PORTS.reconciler, {
        RECONCILER_HTTP_PORT: String(PORTS.reconciler),
        RECONCILER_TOPIC: topic,
        RECONCILER_GROUP: `it-metrics-reconciler-${run}`,
        LEVELS_TOPIC: levelsTopic,
      }),
    metrics: ['stockhub_reconciler_events_total', 'stockhub_oversell_flags_total', 'stockhub_ingest_to_applied_seconds', 'stockhub_reconciler_batch_seconds'],
  },
  {
    name: 'erp-writeback',
    start: () =>
      startService('metrics-erp-writeback', 'hub/channels/erp-writeback/main.ts', PORTS.writeback, {
        WRITEBACK_HTTP_PORT: String(PORTS.writeback),
        WRITEBACK_GROUP: `it-metrics-erp-writeback-${run}`,
      }),
    metrics: ['stockhub_erp_writeback_rows_total'],
  },
  {
    name: 'api',
    start: () =>
      startService('metrics-api', 'hub/api/main.ts', PORTS.api, {
        API_HTTP_PORT: String(PORTS.api),
        API_REFILL_CACHE: 'false',
        LEVELS_TOPIC: levelsTopic,
      }),
    metrics: ['stockhub_feed_connections', 'stockhub_consumer_lag_messages', 'stockhub_dlq_messages', 'stockhub_connector_running', 'stockhub_source_last_event_age_seconds'],
  },
  {
    name: 'store-agent',
    // Healthy without the hub (it serves the tills from its local copy), so it starts on its own.
    start: () =>
      startService('metrics-store-agent', 'connectors/store-agent/main.ts', PORTS.agent, storeAgentEnv('S001', PORTS.agent, { api: `http://127.0.0.1:${PORTS.api}`, ingest: `http://127.0.0.1:${PORTS.sinks}` }, agentDir)),
    metrics: ['stockhub_component_up'],
  },
  {
    name: 'shopify-emulator',
    start: () =>
      startService('metrics-shopify-emulator', 'emulators/shopify/main.ts', PORTS.emulator, {
        SHOPIFY_EMULATOR_PORT: String(PORTS.emulator),
        SHOPIFY_EMULATOR_SEED: 'none',
        SHOPIFY_EMULATOR_WEBHOOK_URL: `http://127.0.0.1:${PORTS.sinks}/webhooks/shopify`,
      }),
    metrics: ['stockhub_component_up'],
  },
  {
    name: 'shopify-channel',
    start: () =>
      startService('metrics-shopify-channel', 'hub/channels/shopify/main.ts', PORTS.channel, {
        SHOPIFY_CHANNEL_HTTP_PORT: String(PORTS.channel),
        SHOPIFY_CHANNEL_GROUP: `it-metrics-shopify-${run}`,
        SHOPIFY_LEVELS_TOPIC: levelsTopic,
        SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}`,
      }),
    metrics: ['stockhub_shopify_push_queue', 'stockhub_shopify_circuit_state', 'stockhub_shopify_throttle_available', 'stockhub_e2e_latency_seconds', 'stockhub_shopify_calls_total'],
  },
];

describe('Prometheus /metrics of every service', () => {
  const running = new Map<string, Service>();

  beforeAll(async () => {
    const admin = testKafka(`metrics-${run}`).admin();
    await admin.connect();
    await ensureTopics(admin, [
      { name: topic, partitions: 6, description: 'test' },
      { name: levelsTopic, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'test' },
    ]);
    await admin.disconnect();
    // Side by side: each waits on Kafka group joins, and in series they would take a minute.
    const started = await Promise.allSettled(SERVICES.map(async ({ name, start }) => running.set(name, await start())));
    const failed = started.flatMap((result, i) => (result.status === 'rejected' ? [`${SERVICES[i]!.name}: ${(result.reason as Error).message}`] : []));
    if (failed.length > 0) throw new Error(`services did not start: ${failed.join('; ')}`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...running.values()].map((service) => service.stop()));
    rmSync(agentDir, { recursive: true, force: true });
  });

  it.each(SERVICES.map((s) => [s.name, s.metrics] as const))('%s answers /metrics with its stockhub_ metrics', async (name, metrics) => {
    const response = await fetch(`${running.get(name)!.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    const declared = new Set([...text.matchAll(/^# TYPE (stockhub_[a-z0-9_]+) /gm)].map((m) => m[1]));
    for (const metric of ['stockhub_movements_published_total', 'stockhub_component_up', ...metrics]) expect({ name, metric, declared: declared.has(metric) }).toEqual({ name, metric, declared: true });
    expect(text).toContain(`process_cpu_seconds_total{service="${name}"}`);
  });
});
