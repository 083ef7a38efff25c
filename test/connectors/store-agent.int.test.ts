/**
 * A store agent with its WAN cut and restored, against the real hub API and PDV ingest: it keeps
 * answering the tills from its local copy, forwards every sale once the link is back (none lost,
 * each with one event id), and catches up on what changed in the hub while it was away.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { deterministicEventId, type StockMovement } from '../../core/model';
import { TOPICS } from '../../core/topics';
import { hubPool } from '../support/hub-db';
import { TopicWatcher } from '../support/kafka';
import { CuttableLink } from '../support/link';
import { startService, startSinks, type Service } from '../support/services';

const run = randomUUID().slice(0, 8);
const sku = `AGT${run}`;
const STORE = 'S005';

describe('store agent', () => {
  let pool: Pool;
  let api: Service;
  let sinks: Service;
  let agent: Service;
  let watcher: TopicWatcher;
  const hubLink = new CuttableLink(18201, 18198);
  const ingestLink = new CuttableLink(18202, 18197);

  const local = async () => (await (await fetch(`${agent.url}/stock/${sku}`)).json()) as { onHand: number; reserved: number; networkAvailable: number };
  const sell = (ids: string[]) =>
    fetch(`${agent.url}/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ids.map((id) => ({ id, type: 'SALE', sku, quantity: 1, occurredAt: new Date().toISOString(), till: 'T01' }))),
    });
  const eventually = async (check: () => Promise<boolean>, what: string, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    pool = await hubPool();
    await pool.query(`INSERT INTO stock_levels (sku, location_id, on_hand) VALUES ($1, $2, 20), ($1, 'S006', 7)`, [sku, STORE]);
    watcher = new TopicWatcher('store-agent', [TOPICS.movements]);
    await watcher.start();
    api = await startService('api-agent', 'hub/api/main.ts', 18198, { API_HTTP_PORT: '18198', API_REFILL_CACHE: 'false' });
    sinks = await startSinks('agent', 18197, run);
    await hubLink.open();
    await ingestLink.open();
    agent = await startService('store-agent', 'connectors/store-agent/main.ts', 18203, {
      AGENT_STORE_ID: STORE,
      AGENT_API_TOKEN: `dev-token-api-${STORE}`,
      AGENT_PDV_TOKEN: `dev-token-${STORE}`,
      AGENT_HUB_URL: hubLink.url,
      AGENT_INGEST_URL: ingestLink.url,
      AGENT_DB_PATH: join(mkdtempSync(join(tmpdir(), 'agent-')), `${STORE}.sqlite`),
      AGENT_HTTP_PORT: '18203',
      AGENT_FORWARD_MS: '200',
    });
  });

  afterAll(async () => {
    await agent?.stop();
    await sinks?.stop();
    await api?.stop();
    await hubLink.close();
    await ingestLink.close();
    await watcher.stop();
    await pool.end();
  });

  it('sells through a WAN outage, loses and duplicates nothing, and catches up on the hub', async () => {
    // The snapshot sends the store's levels, then network availability.
    await eventually(async () => (await fetch(`${agent.url}/stock/${sku}`)).ok && (await local()).networkAvailable !== null, 'the snapshot in the local copy', 60_000);
    expect(await local()).toMatchObject({ onHand: 20, networkAvailable: 27 });

    const online = Array.from({ length: 5 }, (_, i) => `T01-${run}-${i}`);
    expect((await sell(online)).status).toBe(202);
    expect(await local()).toMatchObject({ onHand: 15 });

    hubLink.cut();
    ingestLink.cut();
    const offline = Array.from({ length: 5 }, (_, i) => `T01-${run}-${i + 5}`);
    expect((await sell(offline)).status).toBe(202);
    expect((await sell(offline.slice(0, 2))).status).toBe(202); // the till retries: changes nothing
    expect(await local()).toMatchObject({ onHand: 10 });
    // Meanwhile, in the hub: a web reservation at this store.
    const reserved = await fetch(`${api.url}/v1/reservations`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-token-api-web', 'content-type': 'application/json' },
      body: JSON.stringify({ sku, locationId: STORE, quantity: 2 }),
    });
    expect(reserved.status).toBe(201);

    hubLink.restore();
    ingestLink.restore();
    const wanted = new Map([...online, ...offline].map((id) => [deterministicEventId('pdv', STORE, id), id]));
    const seen = () => new Set(watcher.all().map((r) => (r.value as StockMovement).eventId).filter((id) => wanted.has(id)));
    await eventually(async () => seen().size === wanted.size, 'every sale on stock.movements');
    const sales = watcher.all().filter((r) => wanted.has((r.value as StockMovement).eventId));
    expect(sales.map((r) => (r.value as StockMovement).source.position).sort()).toEqual([...wanted.values()].sort());
    await eventually(async () => (await local()).reserved === 2, 'the hub reservation in the local copy');
  });
});
