import { DependencyError } from '../../../core/errors';
import { createAdminRequest, createShopify, documents, loadShopifyConfig, ShopifyQueryError, ShopifyThrottledError, type AdminRequest } from '../../../core/shopify';
import type { RunningEmulator } from '../../../emulators/shopify';
import { addItems, control, locationGid, S001, startEmulator } from './support';
import { development } from '../../support/development';

/**
 * The hub's own Admin client (@shopify/shopify-api through core/shopify) against the emulator,
 * with the hub's own documents. The client's fetch hook is process-wide: one emulator per file.
 */
describe('the @shopify/shopify-api client against the emulator', () => {
  let running: RunningEmulator;
  let request: AdminRequest;
  let ids: Record<string, string>;
  const config = loadShopifyConfig(development());

  beforeAll(async () => {
    running = await startEmulator();
    const shopify = createShopify(config);
    request = createAdminRequest(shopify, { ...config, adminUrl: running.url });
    ids = await addItems(running.url, [{ sku: '10000001', levels: { [S001]: 6 } }, { sku: '10000002' }]);
  });
  afterAll(() => running.close());

  it('runs queries and reports their cost', async () => {
    const probe = await request<{ shop: { id: string } }>(documents.SHOP_PROBE);
    expect(probe.data.shop.id).toMatch(/^gid:\/\/shopify\/Shop\//);
    expect(probe.cost).toEqual({ requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 } });

    const items = await request<{ inventoryItems: { nodes: Array<{ legacyResourceId: string; sku: string }> } }>(documents.ITEMS_BY_SKU, {
      query: 'sku:10000001 OR sku:10000002',
      first: documents.ITEMS_BY_SKU_MAX,
    });
    expect(items.data.inventoryItems.nodes).toEqual([
      { legacyResourceId: '43000000001', sku: '10000001' },
      { legacyResourceId: '43000000002', sku: '10000002' },
    ]);
    const skus = await request<{ nodes: unknown[] }>(documents.ITEM_SKUS, { ids: [ids['10000002'], 'gid://shopify/InventoryItem/5'] });
    expect(skus.data.nodes).toEqual([{ legacyResourceId: '43000000002', sku: '10000002' }, null]);
  });

  it('runs inventorySetQuantities with an idempotency key, and replays it', async () => {
    const variables = {
      idempotencyKey: 'client-test-1',
      input: {
        name: 'available',
        reason: 'correction',
        referenceDocumentUri: 'gid://stockhub/Push/1',
        quantities: [{ inventoryItemId: ids['10000001'], locationId: locationGid(S001), quantity: 9, changeFromQuantity: 6 }],
      },
    };
    type SetResult = { inventorySetQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: unknown[] } };
    const first = await request<SetResult>(documents.SET_QUANTITIES, variables);
    expect(first.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(first.cost?.requestedQueryCost).toBe(10);
    const replay = await request<SetResult>(documents.SET_QUANTITIES, variables);
    expect(replay.data).toEqual(first.data);

    const levels = await request<{ nodes: Array<{ legacyResourceId: string; inventoryLevel: { quantities: Array<{ quantity: number }> } | null }> }>(documents.ITEM_LEVELS_AT, {
      ids: [ids['10000001'], ids['10000002']],
      locationId: locationGid(S001),
    });
    expect(levels.data.nodes[0]!.inventoryLevel!.quantities).toEqual([{ name: 'available', quantity: 9 }]);
    expect(levels.data.nodes.map((n) => n.legacyResourceId)).toEqual([ids['10000001']!.split('/').pop(), ids['10000002']!.split('/').pop()]);
    expect(levels.cost?.requestedQueryCost).toBe(2 * documents.ITEM_LEVELS_AT_COST);
  });

  it('reads orders back since a time', async () => {
    await control(running.url, 'POST', '/orders', { lines: [{ sku: '10000002', quantity: 1 }], locationId: S001 });
    const since = new Date(Date.now() - 60_000).toISOString();
    const orders = await request<{ orders: { nodes: Array<{ name: string; sourceName: string; retailLocation: { legacyResourceId: string } }> } }>(documents.ORDERS_UPDATED_SINCE, {
      query: `updated_at:>='${since}'`,
    });
    expect(orders.data.orders.nodes).toEqual([expect.objectContaining({ name: '#1001', sourceName: 'pos', retailLocation: { legacyResourceId: S001 } })]);
  });

  it('surfaces THROTTLED as ShopifyThrottledError with the cost', async () => {
    await control(running.url, 'PUT', '/plan', { restoreRate: 1, maximumAvailable: 60, refill: true });
    const variables = { query: 'sku:10000001', first: 50 }; // 52 points
    await request(documents.ITEMS_BY_SKU, variables);
    const error = await request(documents.ITEMS_BY_SKU, variables).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyThrottledError);
    const throttled = error as ShopifyThrottledError;
    expect(throttled.retriable).toBe(true);
    expect(throttled.cost).toMatchObject({ requestedQueryCost: 52, actualQueryCost: null, throttleStatus: { maximumAvailable: 60, restoreRate: 1 } });
    expect(throttled.waitMs).toBeGreaterThan(40_000);
    await control(running.url, 'PUT', '/plan', { plan: 'standard', refill: true });
  });

  it('surfaces refusals, outages and a bad token in the project’s error hierarchy', async () => {
    const invalid = await request('{ shop { bogus } }').catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ShopifyQueryError);
    await control(running.url, 'POST', '/offline', { offline: true });
    const down = await request(documents.SHOP_PROBE).catch((e: unknown) => e);
    await control(running.url, 'POST', '/offline', { offline: false });
    expect(down).toBeInstanceOf(DependencyError);
    expect((down as DependencyError).retriable).toBe(true);
    const stranger = createAdminRequest(createShopify(config), { ...config, accessToken: 'not-the-token', adminUrl: running.url });
    const refused = await stranger(documents.SHOP_PROBE).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DependencyError);
    expect((refused as DependencyError).retriable).toBe(false);
  });
});
