/**
 * The production artefact: `npm run build`'s dist/ with `npm ci --omit=dev` in a clean folder
 * (what the image does), each service started from it with `node dist/...` as production starts
 * it: no STOCKHUB_ENV, so no development value, every setting given by the environment. Each
 * answers /health against the live stack, and a till sale goes through the built sinks and
 * reconciler to the built API. A runtime module left in devDependencies, or a file the code reads
 * that the build does not ship, fails here.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import { readEnvFile } from '../../core/config';
import { ensureTopics } from '../../core/kafka';
import { TOPICS } from '../../core/topics';
import { hubPool } from '../support/hub-db';
import { testKafka } from '../support/kafka';
import { startProcess, startService, storeAgentEnv, type Service } from '../support/services';
import { eventually } from '../support/wait';

const ROOT = resolve(__dirname, '../..');
const run = randomUUID().slice(0, 8);
const sku = `DIST${run}`;
const levelsTopic = `it.dist.levels.${run}`;
const PORTS = { sinks: 18700, reconciler: 18701, writeback: 18702, api: 18703, agent: 18704, channel: 18705, emulator: 18706 };
const exec = promisify(execFile);

/** What a deployment sets: the stack's addresses and passwords, and its own files for the secrets (here the repo's). */
function productionEnv(own: Record<string, string>): NodeJS.ProcessEnv {
  const stack = readEnvFile();
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...Object.fromEntries(['KAFKA_BROKERS', 'REDIS_URL', 'HUB_PG_URL', 'CONNECT_URL', 'ERP_PG_HOST', 'ERP_PG_PORT', 'ERP_PG_DATABASE', 'ERP_PG_USER', 'ERP_PG_PASSWORD'].map((key) => [key, stack[key]!])),
    SHOPIFY_CONFIG_FILE: resolve(ROOT, 'config/shopify.json'),
    API_TOKENS_FILE: resolve(ROOT, 'config/api-tokens.json'),
    STORE_TOKENS_FILE: resolve(ROOT, 'config/stores.json'),
    ...own,
  };
}

describe('the built artefact, installed without devDependencies', () => {
  let dir: string;
  let pool: Pool;
  const running = new Map<string, Service>();
  const fromDist = (name: string, entry: string, port: number, own: Record<string, string>): Promise<Service> =>
    startProcess(`dist-${name}`, [join('dist', entry)], port, { cwd: dir, env: productionEnv(own) });

  beforeAll(async () => {
    await exec('bash', ['scripts/build'], { cwd: ROOT });
    dir = mkdtempSync(join(tmpdir(), 'stockhub-dist-'));
    for (const path of ['package.json', 'package-lock.json', 'dist']) cpSync(resolve(ROOT, path), join(dir, path), { recursive: true });
    const started = Date.now();
    process.stdout.write(`[dist] npm ci --omit=dev in ${dir} ...\n`);
    await exec('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    process.stdout.write(`[dist] installed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);

    pool = await hubPool();
    const kafka = testKafka(`dist-${run}`);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: levelsTopic, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'test' }]);
    // The built reconciler starts at stock.movements' end (its offsets live in PostgreSQL), so it applies only this test's sale.
    const ends = await admin.fetchTopicOffsets(TOPICS.movements);
    await admin.disconnect();
    const reconcilerGroup = `it-dist-reconciler-${run}`;
    await pool.query(`INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) SELECT $1, $2, * FROM unnest($3::int[], $4::bigint[])`, [
      reconcilerGroup,
      TOPICS.movements,
      ends.map((e) => e.partition),
      ends.map((e) => e.high),
    ]);

    const services: Array<[string, () => Promise<Service>]> = [
      ['sinks', () => fromDist('sinks', 'sinks/main.js', PORTS.sinks, { SINK_HTTP_PORT: String(PORTS.sinks), SINK_DEBEZIUM_GROUP: `it-dist-debezium-${run}`, SINK_SHOPIFY_GROUP: `it-dist-shopify-${run}`, SINK_START_FROM: 'latest' })],
      ['reconciler', () => fromDist('reconciler', 'hub/reconciler/main.js', PORTS.reconciler, { RECONCILER_HTTP_PORT: String(PORTS.reconciler), RECONCILER_GROUP: reconcilerGroup, LEVELS_TOPIC: levelsTopic })],
      ['erp-writeback', () => fromDist('erp-writeback', 'hub/channels/erp-writeback/main.js', PORTS.writeback, { WRITEBACK_HTTP_PORT: String(PORTS.writeback), WRITEBACK_GROUP: `it-dist-erp-writeback-${run}`, WRITEBACK_MODE: 'shadow' })],
      ['api', () => fromDist('api', 'hub/api/main.js', PORTS.api, { API_HTTP_PORT: String(PORTS.api), API_REFILL_CACHE: 'false', LEVELS_TOPIC: levelsTopic, DASHBOARD_SHOPIFY_METRICS_URL: `http://127.0.0.1:${PORTS.channel}/metrics`, CONNECT_METRICS_URLS: readEnvFile().CONNECT_METRICS_URLS! })],
      [
        'store-agent',
        () =>
          fromDist('store-agent', 'connectors/store-agent/main.js', PORTS.agent, storeAgentEnv('S001', PORTS.agent, { api: `http://127.0.0.1:${PORTS.api}`, ingest: `http://127.0.0.1:${PORTS.sinks}` }, dir)),
      ],
      [
        'shopify-channel',
        async () => {
          // The emulator is the stand-in for Shopify, a development tool: it runs from the repo.
          running.set('shopify-emulator', await startService(`dist-emulator-${run}`, 'emulators/shopify/main.ts', PORTS.emulator, { SHOPIFY_EMULATOR_PORT: String(PORTS.emulator), SHOPIFY_EMULATOR_SEED: 'none', SHOPIFY_EMULATOR_WEBHOOKS: 'false' }));
          return fromDist('shopify-channel', 'hub/channels/shopify/main.js', PORTS.channel, {
            SHOPIFY_CHANNEL_HTTP_PORT: String(PORTS.channel),
            SHOPIFY_CHANNEL_GROUP: `it-dist-shopify-${run}`,
            SHOPIFY_LEVELS_TOPIC: levelsTopic,
            SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}`,
          });
        },
      ],
    ];
    const started2 = await Promise.allSettled(services.map(async ([name, start]) => running.set(name, await start())));
    const failed = started2.flatMap((result, i) => (result.status === 'rejected' ? [`${services[i]![0]}: ${(result.reason as Error).message}`] : []));
    if (failed.length > 0) throw new Error(`services did not start from dist/: ${failed.join('; ')}`);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([...running.values()].map((service) => service.stop()));
    await pool?.query('DELETE FROM ledger WHERE sku = $1', [sku]);
    await pool?.query('DELETE FROM stock_levels WHERE sku = $1', [sku]);
    await pool?.end();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('is installed without the development tools', () => {
    expect(existsSync(join(dir, 'node_modules/ajv'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/typescript'))).toBe(false);
  });

  it.each(['sinks', 'reconciler', 'erp-writeback', 'api', 'store-agent', 'shopify-channel'])('%s answers /health 200 from dist/', async (name) => {
    const response = await fetch(`${running.get(name)!.url}/health`);
    expect(response.status).toBe(200);
  });

  it('takes a till sale through the built sinks and reconciler to the built API', async () => {
    const posted = await fetch(`http://127.0.0.1:${PORTS.sinks}/v1/stores/S001/movements`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-token-S001', 'content-type': 'application/json' },
      body: JSON.stringify([{ id: `T01-${run}`, type: 'SALE', sku, quantity: 2, occurredAt: new Date().toISOString(), till: 'T01' }]),
    });
    expect(posted.status).toBe(202);
    const stock = await eventually(
      'the sale in the built API',
      async () => {
        const response = await fetch(`http://127.0.0.1:${PORTS.api}/v1/stock/${sku}`, { headers: { authorization: 'Bearer dev-token-api-ops' } });
        const body = (await response.json()) as { total?: { onHand: number } };
        return body.total?.onHand === -2 ? body : undefined;
      },
      30_000,
    );
    expect(stock).toMatchObject({ sku, total: { onHand: -2 } });
  }, 60_000);
});
