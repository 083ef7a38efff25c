import type { RunningEmulator } from '../../../emulators/shopify';
import { addItems, control, DC01, gql, locationGid, S001, S002, startEmulator } from './support';

describe('Admin queries', () => {
  let running: RunningEmulator;
  let ids: Record<string, string>;

  beforeAll(async () => {
    running = await startEmulator();
    ids = await addItems(running.url, [
      { sku: '10000003', levels: { [S001]: 3 } },
      { sku: '10000001', levels: { [S001]: 5, [S002]: -2 } },
      { sku: '10000002' },
      { sku: 'GIFT-CARD' },
    ]);
  });
  afterAll(() => running.close());

  it('answers shop', async () => {
    const { body } = await gql(running.url, '{ shop { id name myshopifyDomain } }');
    expect(body.data.shop).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/Shop\/\d+$/), name: 'RetailMax', myshopifyDomain: 'retailmax.myshopify.com' });
  });

  it('pages through the locations of config/shopify.json', async () => {
    const query = 'query($after: String) { locations(first: 20, after: $after) { nodes { id name legacyResourceId isActive } edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }';
    const first = (await gql(running.url, query)).body.data.locations;
    expect(first.nodes).toHaveLength(20);
    expect(first.nodes[0]).toEqual({ id: locationGid(DC01), name: 'RetailMax DC01', legacyResourceId: DC01, isActive: true });
    expect(first.edges[19].cursor).toBe(first.pageInfo.endCursor);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await gql(running.url, query, { after: first.pageInfo.endCursor })).body.data.locations;
    expect(second.nodes.map((n: { name: string }) => n.name)).toEqual(['RetailMax S020']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const one = (await gql(running.url, `{ location(id: "${locationGid(S002)}") { name } missing: location(id: "gid://shopify/Location/9") { name } }`)).body.data;
    expect(one).toEqual({ location: { name: 'RetailMax S002' }, missing: null });
  });

  it('finds inventory items by sku: filters, in id order, with their levels', async () => {
    const query = `query($q: String!) { inventoryItems(first: 10, query: $q) { nodes { id legacyResourceId sku tracked
      inventoryLevel(locationId: "${locationGid(S001)}") { id location { id legacyResourceId } item { id sku } updatedAt quantities(names: ["available", "on_hand", "incoming"]) { name quantity updatedAt } }
      inventoryLevels(first: 2) { nodes { location { legacyResourceId } quantities(names: ["available"]) { quantity } } pageInfo { hasNextPage } } } } }`;
    const { body } = await gql(running.url, query, { q: "sku:10000003 OR sku:'10000001' OR sku:NOPE" });
    const nodes = body.data.inventoryItems.nodes;
    expect(nodes.map((n: { sku: string }) => n.sku)).toEqual(['10000001', '10000003']);
    expect(nodes[0]).toMatchObject({ id: ids['10000001'], legacyResourceId: '43000000001', tracked: true });
    expect(nodes[0].inventoryLevel).toEqual({
      id: `gid://shopify/InventoryLevel/${S001}?inventory_item_id=43000000001`,
      location: { id: locationGid(S001), legacyResourceId: S001 },
      item: { id: ids['10000001'], sku: '10000001' },
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      quantities: [
        { name: 'available', quantity: 5, updatedAt: expect.any(String) },
        { name: 'on_hand', quantity: 5, updatedAt: expect.any(String) },
        { name: 'incoming', quantity: 0, updatedAt: expect.any(String) },
      ],
    });
    expect(nodes[0].inventoryLevels.nodes).toEqual([
      { location: { legacyResourceId: DC01 }, quantities: [{ quantity: 0 }] },
      { location: { legacyResourceId: S001 }, quantities: [{ quantity: 5 }] },
    ]);
    expect(nodes[0].inventoryLevels.pageInfo.hasNextPage).toBe(true);
    const bad = await gql(running.url, query, { q: 'title:foo' });
    expect(bad.body.errors[0].extensions.code).toBe('NOT_EMULATED');
  });

  it('pages through every inventory item by id', async () => {
    const query = 'query($after: String) { inventoryItems(first: 3, after: $after) { nodes { sku } pageInfo { hasNextPage endCursor } } }';
    const first = (await gql(running.url, query)).body.data.inventoryItems;
    expect(first.nodes.map((n: { sku: string }) => n.sku)).toEqual(['10000001', '10000002', '10000003']);
    const second = (await gql(running.url, query, { after: first.pageInfo.endCursor })).body.data.inventoryItems;
    expect(second).toEqual({ nodes: [{ sku: 'GIFT-CARD' }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } });
  });

  it('resolves nodes(ids) to items and locations, null for unknown ids', async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on InventoryItem { sku } ... on Location { name } } }`;
    const { body } = await gql(running.url, query, { ids: [ids['10000002'], locationGid(S001), 'gid://shopify/InventoryItem/1', 'gid://shopify/Product/1'] });
    expect(body.data.nodes).toEqual([
      { __typename: 'InventoryItem', id: ids['10000002'], sku: '10000002' },
      { __typename: 'Location', id: locationGid(S001), name: 'RetailMax S001' },
      null,
      null,
    ]);
    const item = await gql(running.url, `{ inventoryItem(id: "${ids['10000002']}") { sku } }`);
    expect(item.body.data.inventoryItem).toEqual({ sku: '10000002' });
  });

  it('lists orders filtered on updated_at / created_at, sorted and paged', async () => {
    for (const locationId of [undefined, S001, S002]) {
      await control(running.url, 'POST', '/orders', { lines: [{ sku: '10000001', quantity: 1 }], ...(locationId && { locationId }) });
    }
    // Space them out in time, as if taken at 10:00, 10:05 and 10:10.
    const base = Date.parse('2026-11-29T10:00:00Z');
    running.emulator.state.orders.forEach((order, i) => {
      order.createdAt = base + i * 300_000;
      order.updatedAt = base + i * 300_000 + 500;
    });
    const query = `query($q: String, $after: String, $reverse: Boolean) { orders(first: 1, after: $after, query: $q, sortKey: UPDATED_AT, reverse: $reverse) {
      nodes { id legacyResourceId name createdAt updatedAt sourceName cancelledAt retailLocation { id legacyResourceId }
        lineItems(first: 5) { nodes { id sku quantity currentQuantity } pageInfo { hasNextPage endCursor } } }
      pageInfo { hasNextPage endCursor } } }`;
    const first = (await gql(running.url, query, { q: "updated_at:>'2026-11-29T10:00:00Z'" })).body.data.orders;
    const secondOrder = running.emulator.state.orders[1]!;
    expect(first.nodes).toEqual([
      {
        id: `gid://shopify/Order/${secondOrder.id}`,
        legacyResourceId: secondOrder.id,
        name: '#1002',
        createdAt: '2026-11-29T10:05:00Z',
        updatedAt: '2026-11-29T10:05:00Z',
        sourceName: 'pos',
        cancelledAt: null,
        retailLocation: { id: locationGid(S001), legacyResourceId: S001 },
        lineItems: { nodes: [{ id: `gid://shopify/LineItem/${secondOrder.lines[0]!.id}`, sku: '10000001', quantity: 1, currentQuantity: 1 }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } },
      },
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await gql(running.url, query, { q: "updated_at:>'2026-11-29T10:00:00Z'", after: first.pageInfo.endCursor })).body.data.orders;
    expect(second.nodes.map((o: { name: string }) => o.name)).toEqual(['#1003']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const inclusive = (await gql(running.url, query.replace('first: 1', 'first: 10'), { q: 'updated_at:>=2026-11-29T10:00:00Z created_at:<2026-11-29T10:10:00Z', reverse: true })).body.data.orders;
    expect(inclusive.nodes.map((o: { name: string; sourceName: string; retailLocation: unknown }) => [o.name, o.sourceName, o.retailLocation])).toEqual([
      ['#1002', 'pos', { id: locationGid(S001), legacyResourceId: S001 }],
      ['#1001', 'web', null],
    ]);
  });
});
