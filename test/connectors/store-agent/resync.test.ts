import express from 'express';
import { HubStock, STOCK_QUERY_MAX } from '../../../connectors/store-agent/hub-stock';
import { createLocalApi } from '../../../connectors/store-agent/local-api';
import { LocalDb } from '../../../connectors/store-agent/local-db';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { listen } from '../../support/listen';

const TOKEN = 'dev-token-api-S001';

/** The hub's POST /v1/stock/query as docs/openapi.yaml answers it: every location of each SKU. */
function fakeHub(levels: Record<string, Array<{ locationId: string; onHand: number; version: number }>>) {
  const asked: string[][] = [];
  const app = express();
  app.post('/v1/stock/query', express.json(), (req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.status(401).json({ error: 'missing or unknown bearer token' });
      return;
    }
    const skus = (req.body as { skus: string[] }).skus;
    asked.push(skus);
    const results = skus.map((sku) => {
      const locations = (levels[sku] ?? []).map((l) => ({ sku, ...l, reserved: 1, safetyStock: 0, available: l.onHand - 1, negative: false, updatedAt: '2026-11-29T12:00:00Z' }));
      return { sku, locations, total: { onHand: 0, reserved: 0, available: locations.reduce((n, l) => n + l.available, 0) }, servedFrom: 'database' };
    });
    res.json({ results });
  });
  return { app, asked };
}

describe('POST /resync on the agent’s local API', () => {
  let db: LocalDb;
  let hub: Awaited<ReturnType<typeof listen>> | null;
  let agent: Awaited<ReturnType<typeof listen>>;
  let asked: string[][];

  async function start(token = TOKEN) {
    const fake = fakeHub({ A: [{ locationId: 'DC01', onHand: 50, version: 9 }, { locationId: 'S001', onHand: 12, version: 4 }], B: [{ locationId: 'S002', onHand: 3, version: 2 }] });
    asked = fake.asked;
    hub = await listen(fake.app);
    agent = await listen(createLocalApi(db, new HubStock(hub.url, token, 'S001'), createLogger('test', 'silent'), createMetrics('store-agent'), {}, { maxClockSkewMs: 300_000, maxLineQuantity: 10_000 }));
  }
  const resync = (body?: unknown) =>
    fetch(`${agent.url}/resync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeEach(() => {
    db = new LocalDb(':memory:');
    db.applyFeed([
      { kind: 'level', level: { sku: 'A', onHand: 5, reserved: 0, available: 5, version: 77 } },
      { kind: 'level', level: { sku: 'B', onHand: 1, reserved: 0, available: 1, version: 1 } },
    ]);
  });
  afterEach(async () => {
    await agent?.close();
    await hub?.close();
    db.close();
  });

  it('re-reads the named SKUs from the hub with the store token and overwrites this store’s rows', async () => {
    await start();
    const response = await resync({ skus: ['A'] });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ results: [{ sku: 'A', outcome: 'replaced', was: 5, hubOnHand: 12, onHand: 12, queued: 0 }], backlog: 0 });
    expect(asked).toEqual([['A']]);
    expect(db.level('A')).toEqual({ sku: 'A', onHand: 12, reserved: 1, available: 11, version: 4, networkAvailable: 49 + 11 });
    expect(db.level('B')).toMatchObject({ onHand: 1 });
  });

  it('without a body, re-reads every SKU of the local copy: a SKU the hub holds only elsewhere leaves the copy', async () => {
    await start();
    const response = await resync();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: Array<{ sku: string; outcome: string }> }).results.map((r) => [r.sku, r.outcome])).toEqual([
      ['A', 'replaced'],
      ['B', 'removed'],
    ]);
    expect(asked).toEqual([['A', 'B']]);
    expect(db.level('B')).toBeNull();
  });

  it('refuses a body it does not understand', async () => {
    await start();
    expect((await resync({ skus: [] })).status).toBe(400);
    expect((await resync({ skus: 'A' })).status).toBe(400);
    expect((await resync({ sku: ['A'] })).status).toBe(400);
    expect(asked).toEqual([]);
  });

  it('answers 502 with the reason, and changes nothing, when the hub cannot be read', async () => {
    await start('dev-token-api-WRONG');
    const refused = await resync({ skus: ['A'] });
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: string }).error).toMatch(/stock API at .* answered 401/);
    await hub!.close();
    hub = null;
    const down = await resync({ skus: ['A'] });
    expect(down.status).toBe(502);
    expect(db.level('A')).toMatchObject({ onHand: 5, version: 77 });
  });
});

describe('HubStock', () => {
  it('asks at most 500 SKUs per query, and reads this store’s level and the network total', async () => {
    const fake = fakeHub({ K1: [{ locationId: 'S001', onHand: 4, version: 3 }, { locationId: 'DC01', onHand: 10, version: 1 }] });
    const hub = await listen(fake.app);
    try {
      const skus = Array.from({ length: STOCK_QUERY_MAX * 2 + 1 }, (_, i) => `K${i}`);
      const snapshots = await new HubStock(hub.url, TOKEN, 'S001').read(skus);
      expect(fake.asked.map((a) => a.length)).toEqual([500, 500, 1]);
      expect(snapshots).toHaveLength(skus.length);
      expect(snapshots[1]).toEqual({ sku: 'K1', level: { onHand: 4, reserved: 1, available: 3, version: 3 }, networkAvailable: 12 });
      expect(snapshots[0]).toEqual({ sku: 'K0', level: null, networkAvailable: null });
    } finally {
      await hub.close();
    }
  });
});
