/**
 * The ops dashboard end to end, in a real browser: the hub API and the reconciler run as real
 * processes (the sinks too, so the page shows every stage), movements of a SKU of the test's own
 * go through Kafka and the reconciler into the ledger, and headless Chromium opens /dashboard,
 * sees the flow render, searches the SKU and reads its levels and its trail back to the source
 * document and the Kafka offset.
 *
 * The reconciler reads a topic of the test's own rather than stock.movements, and the API shows
 * only the test's consumer groups (DASHBOARD_GROUP_PREFIX): the stack is shared with other tests.
 *
 * UPDATE_SCREENSHOT=1 writes the screenshot to docs/dashboard.png (checked in); every run writes
 * .stack/logs/dashboard-test.png for a look at what the browser saw.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { connectProducer, ensureTopics } from '../../../../core/kafka';
import type { MovementType, StockMovement } from '../../../../core/model';
import { hubPool } from '../../../support/hub-db';
import { testKafka } from '../../../support/kafka';
import { startService, startSinks, type Service } from '../../../support/services';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(__dirname, '../../../..');
const run = randomUUID().slice(0, 8);
const sku = `DASH${run}`;
const topic = `it.dashboard.movements.${run}`;
const levelsTopic = `it.dashboard.levels.${run}`;
const groupPrefix = `it-dashboard-${run}-`;
const reconcilerGroup = `${groupPrefix}reconciler`;
const PORTS = { api: 18320, reconciler: 18321, sinks: 18322, nothing: 18399 };
const OPS_TOKEN = 'dev-token-api-ops';

let seq = 0;
function movement(system: StockMovement['source']['system'], type: MovementType, locationId: string, quantity: number, document: string, position: string | null): StockMovement {
  seq += 1;
  const at = new Date(Date.now() - (10 - seq) * 60_000).toISOString();
  return {
    schema: 'stock.movement.v1',
    eventId: `it-dashboard-${run}-${seq}`,
    type,
    sku,
    locationId,
    ...(type === 'COUNT' ? { countedQuantity: quantity } : { quantity }),
    occurredAt: at,
    ingestedAt: at,
    source: { system, instance: system === 'PDV' ? 'S001' : `${system.toLowerCase()}-stock-cdc`, ref: { document, line: '1', entity: 'it' }, position, raw: null },
    actor: 'it',
    reason: null,
    correlationId: null,
  };
}

const MOVEMENTS = [
  movement('ERP', 'RECEIPT', 'DC01', 20, `PO-${run}`, '0/16B3748'),
  movement('WMS', 'TRANSFER_OUT', 'DC01', -5, `TO-${run}`, 'mysql-bin.000003:4711'),
  movement('ERP', 'TRANSFER_IN', 'S001', 5, `TO-${run}`, '0/16B3790'),
  movement('PDV', 'SALE', 'S001', -2, `T-S001-${run}`, null),
];

describe('ops dashboard in Chromium', () => {
  let pool: Pool;
  let reconciler: Service | undefined;
  let sinks: Service | undefined;
  let api: Service | undefined;
  let browser: Browser | undefined;
  const offsets: Array<{ partition: number; offset: number }> = [];

  beforeAll(async () => {
    // CI installs Chromium (scripts/install); without it this test is a failure, not a skip.
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    pool = await hubPool();
    const kafka = testKafka(`dashboard-${run}`);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { name: topic, partitions: 6, description: 'test' },
      { name: levelsTopic, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'test' },
    ]);
    await admin.disconnect();

    [reconciler, sinks] = await Promise.all([
      startService('dashboard-reconciler', 'hub/reconciler/main.ts', PORTS.reconciler, {
        RECONCILER_TOPIC: topic,
        RECONCILER_GROUP: reconcilerGroup,
        LEVELS_TOPIC: levelsTopic,
        RECONCILER_HTTP_PORT: String(PORTS.reconciler),
      }),
      startSinks(`dashboard-${run}`, PORTS.sinks, run),
    ]);
    api = await startService('dashboard-api', 'hub/api/main.ts', PORTS.api, {
      API_HTTP_PORT: String(PORTS.api),
      API_REFILL_CACHE: 'false',
      LEVELS_TOPIC: levelsTopic,
      RECONCILER_GROUP: reconcilerGroup,
      RECONCILER_TOPIC: topic,
      DASHBOARD_GROUP_PREFIX: groupPrefix,
      // Nothing listens there: the page must say "unknown" for the Shopify channel, not fail.
      DASHBOARD_SHOPIFY_METRICS_URL: `http://127.0.0.1:${PORTS.nothing}/metrics`,
    });

    // Keyed by SKU, as the sinks publish: one partition, consecutive offsets.
    const producer = await connectProducer(kafka);
    const [meta] = await producer.send({ topic, acks: -1, messages: MOVEMENTS.map((m) => ({ key: m.sku, value: JSON.stringify(m) })) });
    await producer.disconnect();
    for (let i = 0; i < MOVEMENTS.length; i++) offsets.push({ partition: meta!.partition, offset: Number(meta!.baseOffset) + i });

    const deadline = Date.now() + 20_000;
    while (Number((await pool.query('SELECT count(*) AS n FROM ledger WHERE sku = $1', [sku])).rows[0].n) < MOVEMENTS.length) {
      if (Date.now() > deadline) throw new Error(`the reconciler did not apply ${sku}'s movements within 20 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([api?.stop(), sinks?.stop(), reconciler?.stop()]);
    await pool?.end();
  });

  it('keeps the data behind the ops token', async () => {
    expect((await fetch(`${api!.url}/v1/ops/flow`)).status).toBe(401);
    expect((await fetch(`${api!.url}/v1/ops/flow`, { headers: { authorization: 'Bearer dev-token-api-S001' } })).status).toBe(403);
    expect((await fetch(`${api!.url}/dashboard/`)).status).toBe(200);
  });

  it('renders the flow, then a SKU with its levels and its trail back to document and offset', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${api!.url}/dashboard`);

    // Without a token the page says what it needs instead of failing.
    await seeText(page.locator('[data-testid=status]'), 'enter an ops token', 10_000);
    await page.fill('#token', OPS_TOKEN);
    await page.click('#token-form button');

    await page.locator('[data-testid=status]').filter({ hasText: 'updated' }).waitFor({ timeout: 10_000 });
    const systems = page.locator('[data-testid=systems-table] tbody tr');
    expect(await systems.count()).toBe(5);
    expect(await page.locator('[data-testid=systems-table] tr[data-system=PDV] td').nth(4).textContent()).toMatch(/SALE|RECEIPT|TRANSFER|COUNT|ADJUSTMENT|RETURN|DAMAGE|RESERVE|RELEASE/);
    await seeText(page.locator('[data-testid=connectors-table]'), 'erp-stock-cdc', 10_000);
    // The capture column: Debezium's lag behind the source, from the worker's JMX exporter.
    await seeText(page.locator('[data-testid=connectors-table] tr[data-connector="wms-stock-cdc"] td[data-behind]'), /\d+(\.\d)? m?s$|no change captured yet/, 10_000);
    expect(await page.locator('[data-testid=connectors-table]').textContent()).not.toContain('metrics unavailable');
    await seeText(page.locator('[data-testid=raw-topics-table]'), 'erp.ERPADM.STKJRNL', 10_000);
    // The reconciler's offsets are read from PostgreSQL and compared with the topic's end.
    await seeText(page.locator('[data-testid=node-reconciler]'), 'lag 0', 10_000);
    await seeText(page.locator(`[data-testid=groups-table] tr[data-group="${reconcilerGroup}"]`), topic, 10_000);
    await seeText(page.locator('#stage-normalise'), 'debezium', 10_000);
    await seeText(page.locator('[data-testid=dlq]'), /\d/, 10_000);
    await seeText(page.locator('[data-testid=shopify-throttle]'), 'unknown', 10_000);
    await seeText(page.locator('[data-testid=stores]'), '0', 10_000);

    await page.fill('#sku-input', sku);
    await page.click('#sku-form button');
    const levels = page.locator('[data-testid=sku-levels]');
    await levels.waitFor({ timeout: 10_000 });
    expect(await levels.locator('tr[data-location=DC01] td').nth(1).textContent()).toBe('15');
    expect(await levels.locator('tr[data-location=S001] td').nth(1).textContent()).toBe('3');
    const trail = page.locator('[data-testid=sku-trail]');
    expect(await trail.locator('tbody tr').count()).toBe(MOVEMENTS.length);
    const newest = trail.locator('tbody tr').first();
    await seeText(newest, `T-S001-${run}`);
    await seeText(newest, 'PDV/S001');
    await seeText(newest, '5 → 3');
    await seeText(newest, `${topic}/${offsets[3]!.partition}@${offsets[3]!.offset}`);
    const oldest = trail.locator('tbody tr').last();
    await seeText(oldest, `PO-${run}`);
    await seeText(oldest, '0/16B3748');
    await seeText(oldest, `${topic}/${offsets[0]!.partition}@${offsets[0]!.offset}`);

    // One more refresh, so the screenshot shows rates from two samples.
    await page.waitForTimeout(2_500);
    mkdirSync(resolve(ROOT, '.stack/logs'), { recursive: true });
    await page.screenshot({ path: resolve(ROOT, '.stack/logs/dashboard-test.png'), fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: resolve(ROOT, 'docs/dashboard.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

/** Waits until the locator's text contains `text` (the page refreshes on its own), or fails saying what it shows. */
async function seeText(locator: Locator, text: string | RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = (await locator.first().textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => null)) ?? '';
    if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) return;
    if (Date.now() > deadline) throw new Error(`expected ${String(locator)} to show ${String(text)} within ${timeoutMs} ms; it shows: ${seen.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
