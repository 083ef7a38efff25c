/**
 * The stock and reservation API as a real process: no oversell under 1,000 concurrent requests,
 * per-store tokens, and queries that keep answering from PostgreSQL with Redis stopped. The API
 * runs against a Redis of the test's own; levels are arranged directly in the hub's database.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { hubPool } from '../support/hub-db';
import { OwnRedis } from '../support/redis-server';
import { startService, type Service } from '../support/services';

const run = randomUUID().slice(0, 8);
const PORT = 18094;
const redis = new OwnRedis(16390);
const S001 = 'dev-token-api-S001';
const S002 = 'dev-token-api-S002';

describe('hub API', () => {
  let api: Service;
  let pool: Pool;

  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const setLevel = (sku: string, locationId: string, onHand: number) =>
    pool.query(
      `INSERT INTO stock_levels (sku, location_id, on_hand) VALUES ($1, $2, $3)
       ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, version = stock_levels.version + 1`,
      [sku, locationId, onHand],
    );

  beforeAll(async () => {
    pool = await hubPool();
    await redis.start();
    api = await startService('api', 'hub/api/main.ts', PORT, { API_HTTP_PORT: String(PORT), REDIS_URL: redis.url, RESERVATION_SWEEP_MS: '200' });
  });

  afterAll(async () => {
    await api?.stop();
    await redis.stop();
    await pool.end();
  });

  it('of 1,000 concurrent reservations of the last unit, from two stores, exactly one wins', async () => {
    const sku = `LAST${run}`;
    await setLevel(sku, 'DC01', 1);
    const responses = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => call('POST', '/v1/reservations', i % 2 === 0 ? S001 : S002, { sku, locationId: 'DC01', quantity: 1 })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(999);
    const refused = (await responses.find((r) => r.status === 409)!.json()) as { locations: unknown[] };
    expect(refused.locations).toEqual([]);
    const { rows } = await pool.query('SELECT on_hand, reserved, on_hand - reserved - safety_stock AS available FROM stock_levels WHERE sku = $1', [sku]);
    expect(rows[0]).toEqual({ on_hand: 1, reserved: 1, available: 0 });
    const { rows: ledger } = await pool.query(`SELECT type FROM ledger WHERE sku = $1`, [sku]);
    expect(ledger).toEqual([{ type: 'RESERVE' }]);
  });

  it('names the locations that still have stock when one is sold out, and reserves "any" where most is left', async () => {
    const sku = `ANY${run}`;
    await setLevel(sku, 'S001', 0);
    await setLevel(sku, 'S002', 2);
    await setLevel(sku, 'DC01', 5);
    const soldOut = await call('POST', '/v1/reservations', S001, { sku, locationId: 'S001', quantity: 1 });
    expect(soldOut.status).toBe(409);
    expect(await soldOut.json()).toMatchObject({ locations: [{ locationId: 'DC01', available: 5 }, { locationId: 'S002', available: 2 }] });
    const any = await call('POST', '/v1/reservations', 'dev-token-api-web', { sku, locationId: 'any', quantity: 3, reference: 'WEB-1' });
    expect(any.status).toBe(201);
    expect(await any.json()).toMatchObject({ locationId: 'DC01', quantity: 3, status: 'ACTIVE' });
  });

  it('confirms, cancels and expires reservations, each step in the ledger', async () => {
    const sku = `RSV${run}`;
    await setLevel(sku, 'S001', 10);
    const reserve = async (ttlSeconds = 900) => (await (await call('POST', '/v1/reservations', S001, { sku, locationId: 'S001', quantity: 2, ttlSeconds })).json()) as { id: string };
    const a = await reserve();
    const b = await reserve();
    const c = await reserve(1);
    expect((await call('POST', `/v1/reservations/${a.id}/confirm`, S001)).status).toBe(200);
    expect((await call('DELETE', `/v1/reservations/${b.id}`, S001)).status).toBe(200);
    expect((await call('DELETE', `/v1/reservations/${b.id}`, S001)).status).toBe(409);
    for (let i = 0; i < 50; i++) {
      const status = ((await (await call('GET', `/v1/reservations/${c.id}`, S001)).json()) as { status: string }).status;
      if (status === 'EXPIRED') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await (await call('GET', `/v1/reservations/${c.id}`, S001)).json()).toMatchObject({ status: 'EXPIRED' });
    const { rows } = await pool.query('SELECT on_hand, reserved FROM stock_levels WHERE sku = $1', [sku]);
    expect(rows[0]).toEqual({ on_hand: 8, reserved: 0 });
    const ledger = (await (await call('GET', `/v1/stock/${sku}/locations/S001/ledger`, S001)).json()) as { entries: Array<{ type: string; source: { document: string } }> };
    expect(ledger.entries.map((e) => e.type).sort()).toEqual(['RELEASE', 'RELEASE', 'RELEASE', 'RESERVE', 'RESERVE', 'RESERVE', 'SALE']);
    expect(ledger.entries.find((e) => e.type === 'SALE')!.source.document).toBe(`RSV-${a.id}`);
  });

  it('refuses a store token where it does not belong', async () => {
    const sku = `TOK${run}`;
    await setLevel(sku, 'S002', 3);
    expect((await call('GET', `/v1/stock/${sku}`, null)).status).toBe(401);
    expect((await call('GET', `/v1/stock/${sku}`, 'not-a-token-at-all')).status).toBe(401);
    expect((await call('POST', '/v1/reservations', S001, { sku, locationId: 'S002', quantity: 1 })).status).toBe(403);
    expect((await call('POST', '/v1/reservations', S001, { sku, locationId: 'any', quantity: 1 })).status).toBe(403);
    expect((await call('GET', `/v1/stock/${sku}/locations/S002/ledger`, S001)).status).toBe(403);
    const mine = (await (await call('POST', '/v1/reservations', S002, { sku, locationId: 'S002', quantity: 1 })).json()) as { id: string };
    expect((await call('DELETE', `/v1/reservations/${mine.id}`, S001)).status).toBe(404);
    expect((await call('GET', `/v1/stock/${sku}`, S001)).status).toBe(200);
  });

  it('exposes health and Prometheus metrics without a token', async () => {
    expect(await (await fetch(`${api.url}/health`)).json()).toMatchObject({ service: 'api', status: 'ok' });
    expect(await (await fetch(`${api.url}/metrics`)).text()).toContain('process_cpu_seconds_total{service="api"}');
  });

  it('answers a malformed request with a 400 naming the field', async () => {
    const response = await call('POST', '/v1/reservations', S001, { sku: 'X', locationId: 'S001', quantity: 0 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: 'quantity' });
    const tooMany = await call('POST', '/v1/stock/query', S001, { skus: Array.from({ length: 501 }, (_, i) => String(i)) });
    expect(tooMany.status).toBe(400);
  });

  it('answers malformed path parameters with 400, never 500, before they reach PostgreSQL', async () => {
    for (const path of ['/v1/stock/%00', '/v1/stock/%E0%A4%A', '/v1/stock/10000001/locations/%00/ledger', '/v1/stores/S%0001/feed']) {
      const response = await call('GET', path, S001);
      expect([path, response.status]).toEqual([path, 400]);
    }
  });

  it('authenticates before it parses: no token and a malformed body is 401', async () => {
    const response = await fetch(`${api.url}/v1/reservations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":' });
    expect(response.status).toBe(401);
  });

  it('answers from PostgreSQL with Redis stopped, and from the cache again once Redis is back', async () => {
    const sku = `CACHE${run}`;
    await setLevel(sku, 'S001', 4);
    await setLevel(sku, 'S003', 6);
    const read = async () => (await (await call('GET', `/v1/stock/${sku}`, S001)).json()) as { servedFrom: string; total: { onHand: number }; locations: unknown[] };
    expect(await read()).toMatchObject({ servedFrom: 'database', total: { onHand: 10 } }); // a miss, filled on the way out
    await new Promise((r) => setTimeout(r, 300));
    expect(await read()).toMatchObject({ servedFrom: 'cache', total: { onHand: 10 } });

    await redis.stop();
    const down = await read();
    expect(down).toMatchObject({ servedFrom: 'database', total: { onHand: 10 } });
    expect(down.locations).toHaveLength(2);
    const query = await call('POST', '/v1/stock/query', S001, { skus: [sku, `NONE${run}`] });
    expect(query.status).toBe(200);

    await redis.start();
    let served = '';
    for (let i = 0; i < 100 && served !== 'cache'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      served = (await read()).servedFrom;
    }
    expect(served).toBe('cache');
  });
});
