/**
 * Two Shopify channel instances (real processes) of one channel, on the hub's real PostgreSQL and
 * a Shopify emulator: both consume the levels, only the one holding the shop's advisory lock
 * pushes (/leader, /health, the stockhub_shopify_leader gauge say which). The leader's lock
 * session terminated (pg_terminate_backend), then the leader killed with SIGKILL: each time an
 * instance leads again within seconds, never two at once, and what changed meanwhile reaches
 * Shopify. Runs on a level topic, a channel and SKUs of its own.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { connectProducer, ensureTopics } from '../../../../core/kafka';
import type { LevelView } from '../../../../hub/levels';
import { hubPool } from '../../../support/hub-db';
import { testKafka } from '../../../support/kafka';
import { startService, type Service } from '../../../support/services';
import { ShopifyEmulator } from '../../../support/shopify-emulator';
import { eventually, sleep } from '../../../support/wait';

const run = randomUUID().slice(0, 8);
const PORTS = { a: 19220, b: 19221, emulator: 19222 };
const channel = `it-shopify-leader-${run}`;
const topic = `it.levels.leader.${run}`;
const SKUS = Array.from({ length: 6 }, (_, i) => `LDR${run}-${i}`);
const DC = '74128450876';

describe('Shopify channel leadership', () => {
  let pool: Pool;
  let emulator: ShopifyEmulator;
  const instances = new Map<string, Service>();
  const kafka = testKafka('shopify-leader');
  const producer = kafka.producer();
  let version = 0;

  const isLeader = async (service: Service): Promise<boolean> => {
    try {
      return (await fetch(`${service.url}/leader`, { signal: AbortSignal.timeout(1_000) })).status === 200;
    } catch {
      return false;
    }
  };
  const leaders = async (): Promise<string[]> => {
    const answers = await Promise.all([...instances].map(async ([name, service]) => ((await isLeader(service)) ? name : null)));
    return answers.filter((name): name is string => name !== null);
  };
  const metric = async (service: Service, name: string): Promise<number> => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(await (await fetch(`${service.url}/metrics`)).text())?.[1] ?? 0);
  /** New levels of every SKU at the DC; resolves once Shopify shows them all. */
  const changeAndConverge = async (): Promise<void> => {
    version += 1;
    const levels: LevelView[] = SKUS.map((sku, i) => ({ sku, locationId: 'DC01', onHand: 10 * version + i, reserved: 0, safetyStock: 0, available: 10 * version + i, negative: false, version, updatedAt: new Date().toISOString() }));
    await producer.send({ topic, acks: -1, messages: levels.map((l) => ({ key: `${l.sku}@${l.locationId}`, value: JSON.stringify(l) })) });
    await eventually(
      `Shopify to show version ${version} of every level`,
      async () => ((await emulator.levels(SKUS)).filter((l) => l.hubLocation === 'DC01' && l.available === SKUS.indexOf(l.sku) + 10 * version).length === SKUS.length ? true : undefined),
      // A level on a partition of a killed instance waits for the group to notice (10 s session).
      30_000,
    );
  };
  /** Until `done`: whether two instances ever answered /leader 200 in the same round. */
  const watchOverlap = (done: Promise<unknown>): Promise<string[][]> => {
    const overlaps: string[][] = [];
    let over = false;
    void done.finally(() => (over = true));
    return (async () => {
      while (!over) {
        const now = await leaders();
        if (now.length > 1) overlaps.push(now);
        await sleep(100);
      }
      return overlaps;
    })();
  };
  /** Ms from `from` until an instance leads, and which. */
  const takeover = async (from: number): Promise<{ ms: number; leader: string }> => {
    const leader = await eventually('an instance to lead', async () => (await leaders())[0], 20_000);
    return { ms: Date.now() - from, leader };
  };

  beforeAll(async () => {
    pool = await hubPool();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 3, config: { 'cleanup.policy': 'compact' }, description: 'test' }]);
    await admin.disconnect();
    await producer.connect();
    emulator = await ShopifyEmulator.start('leader', PORTS.emulator, 'http://127.0.0.1:9/webhooks/shopify');
    await emulator.addItems(SKUS.map((sku) => ({ sku, levels: { [DC]: 0 } })));
    for (const [name, port] of [['a', PORTS.a], ['b', PORTS.b]] as const) {
      const service = await startService(`shopify-leader-${name}`, 'hub/channels/shopify/main.ts', port, {
        SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}`,
        SHOPIFY_CHANNEL_HTTP_PORT: String(port),
        SHOPIFY_CHANNEL_GROUP: channel,
        SHOPIFY_LEVELS_TOPIC: topic,
        SHOPIFY_CHANNEL_START_FROM: 'earliest',
      });
      instances.set(name, service);
    }
  }, 120_000);

  afterAll(async () => {
    for (const service of instances.values()) await service.stop();
    await emulator?.stop();
    await producer.disconnect();
    await pool?.query('DELETE FROM shopify_push WHERE channel = $1', [channel]);
    await pool?.query('DELETE FROM shopify_readback WHERE channel = $1', [channel]);
    await pool?.query('DELETE FROM shopify_items WHERE sku = ANY($1)', [SKUS]);
    await pool?.end();
  });

  it('pushes from one instance only; the other stands by, healthy', async () => {
    const [leader] = await eventually('one leader', async () => ((await leaders()).length === 1 ? leaders() : undefined));
    await changeAndConverge();
    await changeAndConverge();
    const standby = [...instances.keys()].find((name) => name !== leader)!;
    expect(await leaders()).toEqual([leader]);
    expect(await metric(instances.get(leader!)!, 'stockhub_shopify_leader')).toBe(1);
    expect(await metric(instances.get(standby)!, 'stockhub_shopify_leader')).toBe(0);
    expect(await metric(instances.get(leader!)!, 'stockhub_shopify_quantities_pushed_total')).toBeGreaterThanOrEqual(SKUS.length * 2);
    expect(await metric(instances.get(standby)!, 'stockhub_shopify_quantities_pushed_total')).toBe(0);
    const health = (await (await fetch(`${instances.get(standby)!.url}/health`)).json()) as { status: string; details: Record<string, string> };
    expect(health.status).toBe('ok');
    expect(health.details.leadership).toMatch(/^standby for retailmax\.myshopify\.com: held by stockhub-shopify-channel .* pid \d+/);
  });

  it('hands over within seconds when the leader’s lock session is terminated, never two leaders at once', async () => {
    const [leader] = await leaders();
    const old = instances.get(leader!)!;
    const from = Date.now();
    const { rows } = await pool.query<{ ended: boolean }>('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1', [`stockhub-shopify-channel ${hostname()} pid ${old.process.pid}`]);
    expect(rows.map((r) => r.ended)).toEqual([true]);
    const handover = (async () => {
      await eventually('the leader to step down', async () => ((await isLeader(old)) ? undefined : true), 5_000);
      const steppedDownMs = Date.now() - from;
      return { steppedDownMs, ...(await takeover(from)) };
    })();
    const overlaps = watchOverlap(handover);
    const { steppedDownMs, ms, leader: next } = await handover;
    expect(await overlaps).toEqual([]);
    process.stdout.write(`[leader] lock session terminated: the leader stepped down after ${steppedDownMs} ms, ${next === leader ? 'it' : 'the other'} leads after ${ms} ms\n`);
    expect(next).not.toBe(leader);
    expect(ms).toBeLessThan(5_000);
    await changeAndConverge();
  });

  it('takes over within seconds when the leader is killed with SIGKILL, and pushes what changed', async () => {
    const [leader] = await leaders();
    const killedAt = Date.now();
    await instances.get(leader!)!.kill();
    instances.delete(leader!);
    const { ms, leader: successor } = await takeover(killedAt);
    process.stdout.write(`[leader] leader killed: the other leads after ${ms} ms\n`);
    expect(ms).toBeLessThan(5_000);
    const pushed = () => metric(instances.get(successor)!, 'stockhub_shopify_quantities_pushed_total');
    const before = await pushed();
    await changeAndConverge();
    // Shopify shows a quantity a moment before the channel has counted its answer.
    await eventually('the successor to count its pushes', async () => ((await pushed()) >= before + SKUS.length ? true : undefined), 5_000);
  });
});
