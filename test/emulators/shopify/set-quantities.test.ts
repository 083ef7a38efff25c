import type { RunningEmulator } from '../../../emulators/shopify';
import { addItems, control, DC01, gql, locationGid, S001, S002, startEmulator } from './support';

const SET = `mutation Set($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id createdAt reason referenceDocumentUri changes { name delta quantityAfterChange item { id sku } location { id } } }
    userErrors { code field message }
  }
}`;
const SET_IDEMPOTENT = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

type Quantity = { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null };
const input = (quantities: Quantity[], extra: Record<string, unknown> = {}) => ({ name: 'available', reason: 'correction', referenceDocumentUri: 'stockhub://test/1', quantities, ...extra });

describe('inventorySetQuantities', () => {
  let running: RunningEmulator;
  let ids: Record<string, string>;
  const levelOf = async (sku: string, locationId: string): Promise<number> => {
    const rows = (await control(running.url, 'GET', `/levels?sku=${sku}`)).body as Array<{ locationId: string; available: number }>;
    return rows.find((r) => r.locationId === locationId)!.available;
  };
  const set = async (quantities: Quantity[], extra?: Record<string, unknown>) => (await gql(running.url, SET, { input: input(quantities, extra) })).body;

  beforeAll(async () => {
    running = await startEmulator();
    ids = await addItems(running.url, [
      { sku: '10000001', levels: { [S001]: 5, [S002]: 7 } },
      { sku: '10000002', levels: { [S001]: 1 } },
    ]);
    running.emulator.state.addItem('NOT-STOCKED', false);
  });
  afterAll(() => running.close());

  it('sets levels with compare-and-set, reporting available and on_hand changes', async () => {
    const body = await set([
      { inventoryItemId: ids['10000001']!, locationId: locationGid(S001), quantity: 9, changeFromQuantity: 5 },
      { inventoryItemId: ids['10000002']!, locationId: locationGid(S001), quantity: 4, changeFromQuantity: null },
      { inventoryItemId: ids['10000001']!, locationId: locationGid(S002), quantity: 7, changeFromQuantity: 7 },
    ]);
    const result = body.data.inventorySetQuantities;
    expect(result.userErrors).toEqual([]);
    expect(result.inventoryAdjustmentGroup).toMatchObject({ id: expect.stringMatching(/^gid:\/\/shopify\/InventoryAdjustmentGroup\/\d+$/), reason: 'correction', referenceDocumentUri: 'stockhub://test/1' });
    // The unchanged level (7 -> 7) makes no change.
    expect(result.inventoryAdjustmentGroup.changes).toEqual([
      { name: 'available', delta: 4, quantityAfterChange: 9, item: { id: ids['10000001'], sku: '10000001' }, location: { id: locationGid(S001) } },
      { name: 'on_hand', delta: 4, quantityAfterChange: 9, item: { id: ids['10000001'], sku: '10000001' }, location: { id: locationGid(S001) } },
      { name: 'available', delta: 3, quantityAfterChange: 4, item: { id: ids['10000002'], sku: '10000002' }, location: { id: locationGid(S001) } },
      { name: 'on_hand', delta: 3, quantityAfterChange: 4, item: { id: ids['10000002'], sku: '10000002' }, location: { id: locationGid(S001) } },
    ]);
    expect(body.extensions.cost.requestedQueryCost).toBe(10);
    expect(await levelOf('10000001', S001)).toBe(9);
    expect(await levelOf('10000002', S001)).toBe(4);
    const { changes } = (await control(running.url, 'GET', '/changes?since=0')).body;
    expect(changes).toEqual([
      { seq: 1, sku: '10000001', locationId: S001, hubLocation: 'S001', available: 9, at: expect.any(Number), source: 'api' },
      { seq: 2, sku: '10000002', locationId: S001, hubLocation: 'S001', available: 4, at: expect.any(Number), source: 'api' },
    ]);
  });

  it('refuses a stale changeFromQuantity and applies nothing of the call', async () => {
    const body = await set([
      { inventoryItemId: ids['10000002']!, locationId: locationGid(S001), quantity: 100, changeFromQuantity: 4 },
      { inventoryItemId: ids['10000001']!, locationId: locationGid(S001), quantity: 50, changeFromQuantity: 5 },
    ]);
    expect(body.data.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '1', 'changeFromQuantity'], message: expect.any(String) }],
    });
    expect(await levelOf('10000002', S001)).toBe(4);
    expect(await levelOf('10000001', S001)).toBe(9);
  });

  it('requires changeFromQuantity to be present (null skips the check)', async () => {
    const body = await set([{ inventoryItemId: ids['10000001']!, locationId: locationGid(S001), quantity: 1 }]);
    expect(body.data.inventorySetQuantities.userErrors).toEqual([
      { code: 'COMPARE_QUANTITY_REQUIRED', field: ['input', 'quantities', '0', 'changeFromQuantity'], message: 'changeFromQuantity is required; pass null to skip the check.' },
    ]);
    expect(await levelOf('10000001', S001)).toBe(9);
  });

  it('reports every invalid quantity at once, atomically', async () => {
    const ok = { inventoryItemId: ids['10000001']!, locationId: locationGid(DC01), quantity: 3, changeFromQuantity: null };
    const body = await set(
      [
        ok,
        { inventoryItemId: 'gid://shopify/InventoryItem/1', locationId: locationGid(S001), quantity: 1, changeFromQuantity: null },
        { inventoryItemId: ids['10000001']!, locationId: 'gid://shopify/Location/1', quantity: 1, changeFromQuantity: null },
        { inventoryItemId: running.emulator.state.itemBySku('NOT-STOCKED')!.gid, locationId: locationGid(S001), quantity: 1, changeFromQuantity: null },
        { inventoryItemId: ids['10000002']!, locationId: locationGid(S002), quantity: 1_000_000_001, changeFromQuantity: null },
        { inventoryItemId: ids['10000002']!, locationId: locationGid(DC01), quantity: -1_000_000_001, changeFromQuantity: null },
        { ...ok, quantity: 4 },
      ],
      { name: 'committed', reason: 'because' },
    );
    expect(body.data.inventorySetQuantities.inventoryAdjustmentGroup).toBeNull();
    expect(body.data.inventorySetQuantities.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field.join('.')])).toEqual([
      ['INVALID_NAME', 'input.name'],
      ['INVALID_REASON', 'input.reason'],
      ['INVALID_INVENTORY_ITEM', 'input.quantities.1.inventoryItemId'],
      ['INVALID_LOCATION', 'input.quantities.2.locationId'],
      ['ITEM_NOT_STOCKED_AT_LOCATION', 'input.quantities.3.locationId'],
      ['INVALID_QUANTITY_TOO_HIGH', 'input.quantities.4.quantity'],
      ['INVALID_QUANTITY_TOO_LOW', 'input.quantities.5.quantity'],
      ['NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', 'input.quantities.6'],
    ]);
    expect(await levelOf('10000001', DC01)).toBe(0);
    const stats = (await control(running.url, 'GET', '/stats')).body;
    expect(stats.userErrors).toMatchObject({ INVALID_NAME: 1, CHANGE_FROM_QUANTITY_STALE: 1, COMPARE_QUANTITY_REQUIRED: 1 });
  });

  it('refuses more than 250 quantities with a top-level error', async () => {
    const quantities = Array.from({ length: 251 }, () => ({ inventoryItemId: ids['10000001']!, locationId: locationGid(S001), quantity: 1, changeFromQuantity: null }));
    const body = await set(quantities);
    expect(body.data.inventorySetQuantities).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({ message: 'The input array size of 251 is greater than the maximum allowed of 250.', extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } }),
    ]);
  });

  it('replays an idempotency key with the same input, refuses it with another', async () => {
    const quantities = [{ inventoryItemId: ids['10000002']!, locationId: locationGid(S002), quantity: 12, changeFromQuantity: 0 }];
    const first = (await gql(running.url, SET_IDEMPOTENT, { input: input(quantities), key: 'push-42' })).body;
    expect(first.data.inventorySetQuantities.userErrors).toEqual([]);
    // Staff change it meanwhile: the replay must neither apply again nor fail the stale check.
    await control(running.url, 'POST', '/levels', { sku: '10000002', locationId: S002, available: 3, webhook: false });
    const again = (await gql(running.url, SET_IDEMPOTENT, { input: input(quantities), key: 'push-42' })).body;
    expect(again.data).toEqual(first.data);
    expect(await levelOf('10000002', S002)).toBe(3);
    const other = (await gql(running.url, SET_IDEMPOTENT, { input: input([{ ...quantities[0]!, quantity: 13 }]), key: 'push-42' })).body;
    expect(other.data.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', field: null, message: expect.any(String) }],
    });
    expect((await control(running.url, 'GET', '/stats')).body.idempotentReplays).toBe(1);
  });
});

describe('inventorySetQuantities while Shopify is slow', () => {
  let running: RunningEmulator;
  beforeAll(async () => {
    running = await startEmulator({ latencyMs: 300 });
  });
  afterAll(() => running.close());

  it('refuses a key whose first request is still running', async () => {
    const ids = await addItems(running.url, [{ sku: '10000001' }]);
    const variables = { input: input([{ inventoryItemId: ids['10000001']!, locationId: locationGid(S001), quantity: 2, changeFromQuantity: 0 }]), key: 'slow-1' };
    const [a, b] = await Promise.all([gql(running.url, SET_IDEMPOTENT, variables), gql(running.url, SET_IDEMPOTENT, variables)]);
    const codes = [a, b].map((r) => r.body.data.inventorySetQuantities.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['IDEMPOTENCY_CONCURRENT_REQUEST', 'OK']);
    // Once the first has finished, the same key replays it.
    const later = await gql(running.url, SET_IDEMPOTENT, variables);
    expect(later.body.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(running.emulator.stats.idempotentReplays).toBe(1);
  });
});
