/**
 * One item Shopify keeps refusing (the emulator's per-item fault) among good ones, through the
 * real channel process: the good levels reach Shopify at once, the bad one is parked after
 * SHOPIFY_ROW_MAX_ATTEMPTS and shown by the gauge, the CLI and the report; once Shopify accepts
 * the item again, stockhub-shopify-parked retry pushes it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { PushStore } from '../../../hub/channels/shopify/push-store';
import { hubPool } from '../../support/hub-db';
import { reconcile } from '../../support/reconcile-cli';
import { startService, type Service } from '../../support/services';
import { ShopifyEmulator } from '../../support/shopify-emulator';
import { eventually } from '../../support/wait';

const run = randomUUID().slice(0, 8);
const PORTS = { emulator: 18290, sinks: 18291, channel: 18293 };
const GROUP = `it-shopify-parked-${run}`;
const GOOD = ['A', 'B', 'C'].map((s) => `PARK${s}${run}`);
const BAD = `PARKBAD${run}`;
const DC = '74128450876';

function parkedCli(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(resolve(__dirname, '../../../bin/stockhub-shopify-parked'), args, { env: { ...process.env, SHOPIFY_CHANNEL_GROUP: GROUP }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout }));
  });
}

describe('Shopify channel, one item Shopify refuses', () => {
  let pool: Pool;
  let emulator: ShopifyEmulator;
  let channel: Service;

  beforeAll(async () => {
    pool = await hubPool();
    emulator = await ShopifyEmulator.start('parked', PORTS.emulator, `http://127.0.0.1:${PORTS.sinks}/webhooks/shopify`);
    await emulator.addItems([...GOOD, BAD].map((sku) => ({ sku, levels: { [DC]: 50 } })));
    // A code of Shopify's enum the pusher has no rule for (one outside the enum would make the
    // whole answer a GraphQL error: the real schema cannot represent it).
    await emulator.refuse(BAD, 'COMPARE_QUANTITY_REQUIRED');
    // The bad row is the oldest, so that without a per-row policy it would head every fetch.
    const at = Date.now() - 60_000;
    await new PushStore(pool, GROUP).upsertWanted([BAD, ...GOOD].map((sku, i) => ({ sku, locationId: 'DC01', available: 10 + i, version: 1, updatedAt: new Date(at + i).toISOString() })));
    channel = await startService('shopify-channel-parked', 'hub/channels/shopify/main.ts', PORTS.channel, {
      SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}`,
      SHOPIFY_CHANNEL_HTTP_PORT: String(PORTS.channel),
      SHOPIFY_CHANNEL_GROUP: GROUP,
    });
  }, 120_000);

  afterAll(async () => {
    await channel?.stop();
    await emulator?.stop();
    await pool?.query('DELETE FROM shopify_push WHERE channel = $1', [GROUP]);
    await pool?.end();
  });

  it('pushes the good levels, parks the bad one with its reason, shows it, and retries it on request', async () => {
    await eventually('the good levels in Shopify', async () => {
      const levels = await Promise.all(GOOD.map((sku) => emulator.level(sku, 'DC01')));
      return levels.every((l, i) => l === 11 + i) ? true : undefined;
    }, 20_000);

    // Default policy: 5 attempts, 1 s doubled between them.
    const parkedAt = await eventually('the bad level parked', async () => {
      const { rows } = await pool.query<{ parked_at: Date | null; attempts: number; last_error: string }>('SELECT parked_at, attempts, last_error FROM shopify_push WHERE channel = $1 AND sku = $2', [GROUP, BAD]);
      return rows[0]?.parked_at ? rows[0] : undefined;
    }, 45_000);
    expect(parkedAt).toMatchObject({ attempts: 5, last_error: expect.stringMatching(/^Shopify: COMPARE_QUANTITY_REQUIRED /) });
    expect(await emulator.level(BAD, 'DC01')).toBe(50);

    await eventually('the parked gauge', async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${PORTS.channel}/metrics`)).text();
      return /^stockhub_shopify_parked(\{[^}]*\})? 1$/m.test(metrics) ? true : undefined;
    }, 10_000);
    const listed = await parkedCli(['list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ sku: BAD, locationId: 'DC01', wanted: 10, attempts: 5 })]);

    const shown = await reconcile(['--system', 'shopify', '--sku', BAD, '--format', 'json'], { SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}`, SHOPIFY_CHANNEL_GROUP: GROUP });
    expect((JSON.parse(shown.stdout) as { parked: unknown[] }).parked).toEqual([expect.objectContaining({ sku: BAD, location: 'DC01', wanted: 10, drift: true })]);

    await emulator.refuse(BAD, null);
    const retried = await parkedCli(['retry', '--sku', BAD]);
    expect(retried).toEqual({ code: 0, stdout: `${BAD}\tDC01\n` });
    await eventually('the retried level in Shopify', async () => ((await emulator.level(BAD, 'DC01')) === 10 ? true : undefined), 10_000);
  }, 120_000);
});
