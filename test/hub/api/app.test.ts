import type { Pool } from 'pg';
import { createApiApp } from '../../../hub/api/app';
import type { Reservations } from '../../../hub/api/reservations';
import type { StockReader } from '../../../hub/api/stock-reader';
import type { Caller } from '../../../hub/auth';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { listen } from '../../support/listen';

const TOKEN = 'test-token-channel-0001';
const tokens = new Map<string, Caller>([[TOKEN, { role: 'channel', subject: 'web' }]]);

/** The edges of the API without PostgreSQL or Redis: nothing may reach these fakes when the request is bad. */
function fakes() {
  const read = jest.fn(async (skus: readonly string[]) => skus.map((sku) => ({ sku, locations: [], total: { onHand: 0, reserved: 0, available: 0 }, servedFrom: 'cache' as const })));
  const reserve = jest.fn(async () => ({ id: 'r-1' }));
  const query = jest.fn(async () => ({ rows: [], rowCount: 0 }));
  return { read, reserve, query };
}

describe('API edges', () => {
  let f: ReturnType<typeof fakes>;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeEach(async () => {
    f = fakes();
    const app = createApiApp({
      pool: { query: f.query } as unknown as Pool,
      stock: { read: f.read } as unknown as StockReader,
      reservations: { reserve: f.reserve } as unknown as Reservations,
      tokens,
      maxTtlSeconds: 3600,
      maxQuantity: 100,
      logger: createLogger('test', 'silent'),
      metrics: createMetrics('api-test'),
      health: {},
    });
    server = await listen(app);
  });
  afterEach(() => server.close());

  const get = (path: string, token: string | null = TOKEN) => fetch(`${server.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const post = (path: string, body: string, token: string | null = TOKEN) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) }, body });

  describe('path parameters answer 400, never 500', () => {
    it.each([
      ['a NUL in the SKU', '/v1/stock/%00', 'sku'],
      ['a control character in the SKU', '/v1/stock/1000%1B4711', 'sku'],
      ['a malformed escape in the SKU', '/v1/stock/%E0%A4%A', 'path'],
      ['a NUL in the ledger location', '/v1/stock/10004711/locations/S0%0001/ledger', 'locationId'],
      ['a malformed escape in the ledger location', '/v1/stock/10004711/locations/%E0%A4%A/ledger', 'path'],
      ['a NUL in a store feed id', '/v1/stores/S%0001/feed', 'path'],
      ['a malformed escape in a store feed id', '/v1/stores/%E0%A4%A/feed', 'path'],
    ])('%s', async (_case, path, field) => {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ field });
      expect(f.read).not.toHaveBeenCalled();
      expect(f.query).not.toHaveBeenCalled();
    });

    it('a reservation id that is not a UUID is 404', async () => {
      expect((await get('/v1/reservations/%00')).status).toBe(404);
    });

    it('a plain SKU still reads', async () => {
      const response = await get('/v1/stock/10004711');
      expect(response.status).toBe(200);
      expect(f.read).toHaveBeenCalledWith(['10004711']);
    });
  });

  describe('bodies', () => {
    it.each([
      ['a NUL in a queried SKU', '/v1/stock/query', { skus: ['10004711', '1000\u00004711'] }, 'skus.1'],
      ['a NUL in a reserved SKU', '/v1/reservations', { sku: '1000\u00004711', locationId: 'DC01', quantity: 1 }, 'sku'],
      ['a control character in a reserved location', '/v1/reservations', { sku: '10004711', locationId: 'DC\u000701', quantity: 1 }, 'locationId'],
      ['a reservation over the configured quantity limit', '/v1/reservations', { sku: '10004711', locationId: 'DC01', quantity: 101 }, 'quantity'],
      ['a NUL in a reservation reference', '/v1/reservations', { sku: '10004711', locationId: 'DC01', quantity: 1, reference: 'order\u00001' }, 'reference'],
      ['more units than a line may carry', '/v1/reservations', { sku: '10004711', locationId: 'DC01', quantity: 10_001 }, 'quantity'],
    ])('400 naming the field for %s', async (_case, path, body, field) => {
      const response = await post(path, JSON.stringify(body));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ field });
      expect(f.read).not.toHaveBeenCalled();
      expect(f.reserve).not.toHaveBeenCalled();
    });

    it.each([
      ['a body that is not JSON', '{"sku":'],
      ['a body over the 256 kB limit', JSON.stringify({ sku: 'x'.repeat(300 * 1024) })],
    ])('401, not 400 or 413, without a token for %s: authentication runs before the body is parsed', async (_case, body) => {
      for (const path of ['/v1/reservations', '/v1/stock/query']) {
        const response = await post(path, body, null);
        expect(response.status).toBe(401);
        expect((await post(path, body, 'an-unknown-token-0000')).status).toBe(401);
      }
      expect(f.reserve).not.toHaveBeenCalled();
    });

    it('with a token, the same bodies are 400 and 413', async () => {
      expect((await post('/v1/reservations', '{"sku":')).status).toBe(400);
      expect((await post('/v1/reservations', JSON.stringify({ sku: 'x'.repeat(300 * 1024) }))).status).toBe(413);
    });
  });
});
