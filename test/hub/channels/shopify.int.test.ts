/**
 * The whole chain to Shopify, on the live stack: an ERP journal row, a WMS balance change and a
 * till sale each reach the Shopify emulator (through Debezium or the PDV ingest, the sinks, the
 * reconciler and the Shopify channel with the real @shopify/shopify-api client) and the other
 * stores' feeds. The emulator's inventory_levels/update echo of each push creates no movement,
 * and a Shopify order sells once in the hub.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Client, type Pool } from 'pg';
import { type StockMovement } from '../../../core/model';
import { loadShopifyConfig } from '../../../core/shopify';
import { TOPICS } from '../../../core/topics';
import { hubPool } from '../../support/hub-db';
import { stack, testKafka, TopicWatcher } from '../../support/kafka';
import { startReconcilerAtEnd, startService, startSinks, type Service } from '../../support/services';
import { ShopifyEmulator } from '../../support/shopify-emulator';
import { SseClient, type SseEvent } from '../../support/sse';
import { eventually, sleep } from '../../support/wait';

const run = randomUUID().slice(0, 8);
const PORTS = { emulator: 18260, sinks: 18261, reconciler: 18262, channel: 18263, api: 18264 };
// Seeded article numbers (the ERP journal references ITMMST), picked per run to keep runs apart.
const base = 10_020_000 + Math.floor(Math.random() * 20_000);
const SKU = { erp: String(base), wms: String(base + 1), pdv: String(base + 2) };
const data = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;
describe('Shopify channel, end to end', () => {
  let pool: Pool;
  let emulator: ShopifyEmulator;
  const services: Service[] = [];
  let watcher: TopicWatcher;
  let erp: Client;
  let wms: mysql.Connection;
  let otherStore: SseClient;

  const hubAvailable = async (sku: string, location: string): Promise<number | undefined> => {
    const { rows } = await pool.query<{ available: string }>('SELECT on_hand - reserved - safety_stock AS available FROM stock_levels WHERE sku = $1 AND location_id = $2', [sku, location]);
    return rows[0] === undefined ? undefined : Number(rows[0].available);
  };
  /** Waits until Shopify shows what the hub has, after the hub's level moved past `before`. */
  const converged = (sku: string, location: string, ledgerBefore: number) =>
    eventually(`${sku}@${location} in Shopify to equal the hub`, async () => {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger WHERE sku = $1 AND location_id = $2', [sku, location]);
      if (Number(rows[0]!.n) <= ledgerBefore) return undefined;
      const [hub, shopify] = [await hubAvailable(sku, location), await emulator.level(sku, location)];
      return hub !== undefined && hub === shopify ? hub : undefined;
    }, 30_000);
  const ledgerCount = async (sku: string, location: string) => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger WHERE sku = $1 AND location_id = $2', [sku, location])).rows[0]!.n);

  beforeAll(async () => {
    pool = await hubPool();
    watcher = new TopicWatcher('shopify-e2e', [TOPICS.movements]);
    await watcher.start();
    // Shopify's own edits count at every location here, so that the echo of each push really
    // has to be recognised as the hub's own (the default counts them nowhere).
    const shop = loadShopifyConfig();
    const configFile = join(mkdtempSync(join(tmpdir(), 'shopify-e2e-')), 'shopify.json');
    writeFileSync(configFile, JSON.stringify({ ...shop, countLocations: Object.values(shop.locations) }));
    const adminUrl = { SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}`, SHOPIFY_CONFIG_FILE: configFile };
    emulator = await ShopifyEmulator.start('e2e', PORTS.emulator, `http://127.0.0.1:${PORTS.sinks}/webhooks/shopify`);
    await emulator.addItems(Object.values(SKU).map((sku) => ({ sku, levels: { '74128450876': 50 } })));
    services.push(await startSinks('shopify', PORTS.sinks, run, adminUrl));
    services.push(await startReconcilerAtEnd('shopify', PORTS.reconciler, run, pool, testKafka('shopify-e2e')));
    services.push(
      await startService('shopify-channel', 'hub/channels/shopify/main.ts', PORTS.channel, { ...adminUrl, SHOPIFY_CHANNEL_HTTP_PORT: String(PORTS.channel), SHOPIFY_CHANNEL_GROUP: `it-shopify-channel-${run}` }),
    );
    services.push(await startService('api-shopify', 'hub/api/main.ts', PORTS.api, { API_HTTP_PORT: String(PORTS.api), API_REFILL_CACHE: 'false' }));
    otherStore = new SseClient(`http://127.0.0.1:${PORTS.api}/v1/stores/S010/feed?from=now`, { authorization: 'Bearer dev-token-api-S010' });
    await otherStore.open();
    erp = new Client({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD });
    await erp.connect();
    wms = await mysql.createConnection({ host: stack.WMS_DB_HOST, port: stack.WMS_DB_PORT, database: stack.WMS_DB_DATABASE, user: stack.WMS_DB_USER, password: stack.WMS_DB_PASSWORD });
  }, 120_000);

  afterAll(async () => {
    otherStore?.close();
    for (const service of services.reverse()) await service.stop();
    await emulator?.stop();
    await watcher?.stop();
    await erp?.end();
    await wms?.end();
    await pool?.end();
  });

  const networkSeen = (sku: string) => otherStore.waitFor((e) => e.event === 'network' && data(e).sku === sku, 15_000, `network availability of ${sku} in S010's feed`);

  it('an ERP journal row reaches Shopify and the other stores', async () => {
    const before = await ledgerCount(SKU.erp, 'S001');
    await erp.query(`INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "USRID") VALUES ($1, 'S001', 'ADJ', -2, $2, 'OPS')`, [SKU.erp, `SHP-${run}`]);
    await converged(SKU.erp, 'S001', before);
    await networkSeen(SKU.erp);
  });

  it('a WMS balance change at the DC reaches Shopify and the stores', async () => {
    const before = await ledgerCount(SKU.wms, 'DC01');
    const [changed] = await wms.query<mysql.ResultSetHeader>('UPDATE inv_inventory SET qty_on_hand = qty_on_hand + 7, upd_user = ?, upd_ts = NOW(3) WHERE sku_code = ?', [`it-${run}`, SKU.wms]);
    expect(changed.affectedRows).toBeGreaterThan(0);
    await converged(SKU.wms, 'DC01', before);
    await networkSeen(SKU.wms);
  });

  it('a till sale reaches Shopify and the other stores; the echo of each push creates no movement', async () => {
    const before = await ledgerCount(SKU.pdv, 'S003');
    const posted = await fetch(`http://127.0.0.1:${PORTS.sinks}/v1/stores/S003/movements`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-token-S003', 'content-type': 'application/json' },
      body: JSON.stringify([{ id: `T03-${run}`, type: 'SALE', sku: SKU.pdv, quantity: 1, occurredAt: new Date().toISOString(), till: 'T03', receipt: `R-${run}` }]),
    });
    expect(posted.status).toBe(202);
    await converged(SKU.pdv, 'S003', before);
    await networkSeen(SKU.pdv);

    // Every push above came back as an inventory_levels/update webhook; give them time to arrive.
    await sleep(3_000);
    const fromShopify = watcher.all().filter((r) => r.topic === TOPICS.movements && Object.values(SKU).includes((r.value as StockMovement).sku) && (r.value as StockMovement).source.system === 'SHOPIFY');
    expect(fromShopify).toEqual([]);
    // ...and they did arrive: the sink read them and made nothing of them.
    const metrics = await (await fetch(`http://127.0.0.1:${PORTS.sinks}/metrics`)).text();
    const skipped = /stockhub_records_consumed_total\{[^}]*topic="raw\.shopify\.webhooks"[^}]*outcome="skipped"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(skipped?.[1] ?? 0)).toBeGreaterThanOrEqual(3);
  });

  it('a Shopify order sells once in the hub, and Shopify keeps showing the hub’s number', async () => {
    const order = await emulator.order([{ sku: SKU.pdv, quantity: 2 }]);
    const sales = () => pool.query<{ quantity: string; source_document: string }>("SELECT quantity, source_document FROM ledger WHERE sku = $1 AND location_id = 'DC01' AND source_system = 'SHOPIFY' AND type = 'SALE'", [SKU.pdv]);
    await eventually('the order in the ledger', async () => ((await sales()).rows.length > 0 ? true : undefined));
    await sleep(2_000);
    expect((await sales()).rows.map((r) => [Number(r.quantity), r.source_document])).toEqual([[-2, order.name]]);
    // The order's own inventory_levels/update is Shopify's count after the sale: the hub ends
    // where Shopify is, whichever of the two arrives first (counts beat older deltas).
    await eventually('Shopify to equal the hub after the order', async () => ((await emulator.level(SKU.pdv, 'DC01')) === (await hubAvailable(SKU.pdv, 'DC01')) ? true : undefined));
  });
});
