import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildClientSchema, parse, validate, type IntrospectionQuery } from 'graphql';
import { loadShopifyConfig, ShopifyQueryError, ShopifyThrottledError, type AdminRequest, type QueryCost } from '../../../../core/shopify';
import { LEVELS_BY_SKU, MAX_QUERY_COST, queryCost, ShopifyView, SKUS_PER_QUERY, skuSearch } from '../../../../hub/ops/report/shopify-view';
import { fakeClock } from './helpers';

const LOCATIONS = { '74128500001': 'S001', '74128500002': 'S002', '74128450876': 'DC01' };
const cost = (currentlyAvailable: number, requested = 938): QueryCost => ({
  requestedQueryCost: requested,
  actualQueryCost: 200,
  throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate: 100 },
});

/** Items as Shopify would hold them: SKU -> Shopify location id -> available. */
function fakeShopify(catalogue: Record<string, Record<string, number>>, answers: Array<QueryCost | Error> = []) {
  const calls: Array<Record<string, unknown>> = [];
  const request = (async (document: string, variables?: Record<string, unknown>) => {
    expect(document).toBe(LEVELS_BY_SKU);
    calls.push(variables!);
    const next = answers.shift();
    if (next instanceof Error) throw next;
    const skus = String(variables!.query)
      .split(' OR ')
      .map((term) => term.replace(/^sku:/, ''));
    const nodes = skus
      .filter((sku) => catalogue[sku] !== undefined)
      .map((sku) => ({
        sku,
        inventoryLevels: {
          nodes: Object.entries(catalogue[sku]!).map(([id, quantity]) => ({
            location: { legacyResourceId: id },
            quantities: [{ name: 'available', quantity }],
          })),
        },
      }));
    return { data: { inventoryItems: { nodes } }, cost: next ?? cost(2000) };
  }) as AdminRequest;
  return { request, calls };
}

const signal = new AbortController().signal;

describe('the Shopify query', () => {
  it("is valid against Shopify's Admin schema for the pinned API version", () => {
    const path = resolve(__dirname, `../../../../.cache/shopify/admin_${loadShopifyConfig().apiVersion}.json`);
    const schema = buildClientSchema((JSON.parse(readFileSync(path, 'utf8')) as { data: IntrospectionQuery }).data);
    expect(validate(schema, parse(LEVELS_BY_SKU)).map((e) => e.message)).toEqual([]);
  });

  it('asks for as many SKUs as stay under the 1,000-point single-query cost: 12', () => {
    expect(queryCost(1)).toBe(2 + 1 + 2 + 25 * 3);
    expect(SKUS_PER_QUERY).toBe(12);
    expect(queryCost(SKUS_PER_QUERY)).toBe(938);
    expect(queryCost(SKUS_PER_QUERY + 1)).toBeGreaterThan(MAX_QUERY_COST);
  });

  it('searches by SKU, quoting what is not a plain word', () => {
    expect(skuSearch(['10000001', 'AB-1.2'])).toBe('sku:10000001 OR sku:AB-1.2');
    expect(skuSearch(['A B', 'say"x'])).toBe('sku:"A B" OR sku:"say\\"x"');
  });
});

describe('ShopifyView', () => {
  it('reads available per SKU and mapped location, only for the SKUs and locations asked', async () => {
    const { request } = fakeShopify({ A: { '74128500001': 7, '74128500002': 3, '99999': 5 }, B: { '74128450876': -1 }, C: { '74128500001': 4 } });
    const view = new ShopifyView(request, LOCATIONS, fakeClock());
    expect(await view.locations(null)).toEqual(['S001', 'S002', 'DC01']);
    expect(await view.locations(['S002', 'S999'])).toEqual(['S002']);
    const reading = await view.read(['A', 'B', 'D'], ['S001', 'DC01'], signal);
    expect(Object.fromEntries(reading.values)).toEqual({ 'A@S001': 7, 'B@DC01': -1 });
    expect(view.measure).toBe('available');
    expect(view.absentMeansZero).toBe(false);
  });

  it('sends 12 SKUs a query', async () => {
    const { request, calls } = fakeShopify({});
    const skus = Array.from({ length: 30 }, (_, i) => `S${i}`);
    await new ShopifyView(request, LOCATIONS, fakeClock()).read(skus, ['S001'], signal);
    expect(calls.map((c) => c.first)).toEqual([12, 12, 6]);
    expect(calls[2]!.query).toBe(skus.slice(24).map((s) => `sku:${s}`).join(' OR '));
  });

  it('waits for the bucket to restore the next query’s cost, from the last throttle status', async () => {
    const clock = fakeClock();
    const { request } = fakeShopify({}, [cost(100), cost(1500)]);
    await new ShopifyView(request, LOCATIONS, clock).read(Array.from({ length: 36 }, (_, i) => `S${i}`), ['S001'], signal);
    // After the first answer 100 points are left: 838 short at 100/s. After the second, 1500 suffice.
    expect(clock.slept).toEqual([8380]);
  });

  it('on THROTTLED waits what the error says, then asks again', async () => {
    const clock = fakeClock();
    const { request, calls } = fakeShopify({ A: { '74128500001': 2 } }, [new ShopifyThrottledError(cost(50), 8880), cost(1000)]);
    const reading = await new ShopifyView(request, LOCATIONS, clock).read(['A'], ['S001'], signal);
    expect(calls).toHaveLength(2);
    expect(clock.slept[0]).toBe(8880);
    expect(reading.values.get('A@S001')).toBe(2);
  });

  it('lets a refused query fail the system (no retry)', async () => {
    const { request, calls } = fakeShopify({}, [new ShopifyQueryError('Shopify refused the query: bad field', [])]);
    await expect(new ShopifyView(request, LOCATIONS, fakeClock()).read(['A'], ['S001'], signal)).rejects.toThrow('bad field');
    expect(calls).toHaveLength(1);
  });

  it('stops waiting when the run is interrupted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    const { request, calls } = fakeShopify({});
    await expect(new ShopifyView(request, LOCATIONS, fakeClock()).read(['A'], ['S001'], controller.signal)).rejects.toThrow('interrupted');
    expect(calls).toHaveLength(0);
  });
});
