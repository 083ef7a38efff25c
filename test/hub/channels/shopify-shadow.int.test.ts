/**
 * Phase 1 of the rollout: the Shopify channel in shadow mode computes what it would set and
 * writes nothing; the reconciliation report shows exactly those differences against Shopify's
 * current values. Switched to live, the channel pushes what shadow mode held back.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { connectProducer } from '../../../core/kafka';
import { TOPICS } from '../../../core/topics';
import { hubPool } from '../../support/hub-db';
import { testKafka } from '../../support/kafka';
import { countMovement } from '../../support/movements';
import { startReconcilerAtEnd, startService, type Service } from '../../support/services';
import { reconcile } from '../../support/reconcile-cli';
import { ShopifyEmulator } from '../../support/shopify-emulator';
import { sleep } from '../../support/wait';

const run = randomUUID().slice(0, 8);
const PORTS = { emulator: 18280, sinks: 18281, reconciler: 18282, channel: 18283 };
const SKU = `SHADOW${run}`;
const report = (args: string[]) => reconcile(args, { SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}` });

describe('Shopify channel in shadow mode', () => {
  let pool: Pool;
  let emulator: ShopifyEmulator;
  let reconciler: Service;
  let channel: Service | null = null;
  const channelEnv = (mode: string) => ({
    SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}`,
    SHOPIFY_CHANNEL_HTTP_PORT: String(PORTS.channel),
    SHOPIFY_CHANNEL_GROUP: `it-shopify-shadow-${run}`,
    SHOPIFY_CHANNEL_MODE: mode,
  });

  beforeAll(async () => {
    pool = await hubPool();
    emulator = await ShopifyEmulator.start('shadow', PORTS.emulator, `http://127.0.0.1:${PORTS.sinks}/webhooks/shopify`);
    await emulator.addItems([{ sku: SKU, levels: { '74128450876': 12, '74128500001': 3 } }]);
    const kafka = testKafka('shopify-shadow');
    reconciler = await startReconcilerAtEnd('shadow', PORTS.reconciler, run, pool, kafka);
    channel = await startService('shopify-channel-shadow', 'hub/channels/shopify/main.ts', PORTS.channel, channelEnv('shadow'));
    const producer = await connectProducer(kafka);
    await producer.send({ topic: TOPICS.movements, acks: -1, messages: [countMovement('it-shadow', run, SKU, 'DC01', 20), countMovement('it-shadow', run, SKU, 'S001', 3)].map((m) => ({ key: m.sku, value: JSON.stringify(m) })) });
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await channel?.stop();
    await reconciler?.stop();
    await emulator?.stop();
    await pool?.end();
  });

  it('writes nothing, the report shows what it would set, and going live pushes it', async () => {
    const shadowed = async () => Number((await pool.query("SELECT count(*) AS n FROM shopify_push WHERE sku = $1 AND not_before = 'infinity'", [SKU])).rows[0].n);
    for (let i = 0; i < 100 && (await shadowed()) < 2; i++) await sleep(200);
    expect(await shadowed()).toBe(2);
    expect(Object.fromEntries((await emulator.levels([SKU])).filter((l) => ['DC01', 'S001'].includes(l.hubLocation)).map((l) => [l.hubLocation, l.available]))).toEqual({ DC01: 12, S001: 3 });
    const stats = await emulator.stats();
    expect(stats.mutations).toBe(0);

    // The shadow report: Shopify differs where the channel would write (DC01), not where it agrees (S001).
    const shadowReport = await report(['--system', 'shopify', '--sku', SKU, '--format', 'json']);
    expect(shadowReport.code).toBe(1);
    const drift = (JSON.parse(shadowReport.stdout) as { rows: Array<Record<string, unknown>> }).rows;
    expect(drift).toEqual([expect.objectContaining({ system: 'shopify', sku: SKU, location: 'DC01', hubValue: 20, systemValue: 12 })]);

    await channel!.stop();
    channel = await startService('shopify-channel-live', 'hub/channels/shopify/main.ts', PORTS.channel, channelEnv('live'));
    for (let i = 0; i < 100 && (await emulator.level(SKU, 'DC01')) !== 20; i++) await sleep(200);
    expect(await emulator.level(SKU, 'DC01')).toBe(20);
    expect((await report(['--system', 'shopify', '--sku', SKU, '--format', 'json'])).code).toBe(0);
  });
});
