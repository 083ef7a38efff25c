import type { RunningEmulator } from '../../../emulators/shopify';
import { ChangeLog } from '../../../emulators/shopify/changes';
import { addItems, control, gql, S001, S002, startEmulator } from './support';

describe('/_emulator control API', () => {
  let running: RunningEmulator;
  beforeAll(async () => {
    running = await startEmulator();
  });
  afterAll(() => running.close());

  it('adds items stocked everywhere, and returns existing ones unchanged', async () => {
    const first = await control(running.url, 'POST', '/items', { items: [{ sku: '10000001', levels: { [S001]: 4 } }, { sku: '10000077' }] });
    expect(first.body).toEqual([
      { sku: '10000001', inventoryItemId: '43000000001', gid: 'gid://shopify/InventoryItem/43000000001' },
      { sku: '10000077', inventoryItemId: '43000000077', gid: 'gid://shopify/InventoryItem/43000000077' },
    ]);
    const again = await control(running.url, 'POST', '/items', { items: [{ sku: '10000001', levels: { [S001]: 99 } }] });
    expect(again.body[0].inventoryItemId).toBe('43000000001');
    const levels = (await control(running.url, 'GET', '/levels?sku=10000001&sku=10000077&sku=unknown')).body;
    expect(levels).toHaveLength(42);
    expect(levels.find((l: { sku: string; locationId: string }) => l.sku === '10000001' && l.locationId === S001)).toEqual({
      sku: '10000001',
      inventoryItemId: '43000000001',
      locationId: S001,
      hubLocation: 'S001',
      available: 4,
      updatedAt: expect.stringMatching(/Z$/),
    });
  });

  it('refuses malformed input with 400 naming the field, unknown SKUs with 404', async () => {
    expect(await control(running.url, 'POST', '/items', { items: [{ sku: '10000001', levels: { '1': 1 } }] })).toMatchObject({ status: 400, body: { field: 'items.0.levels.1' } });
    expect(await control(running.url, 'POST', '/levels', { sku: '10000001', locationId: S001, available: 1.5 })).toMatchObject({ status: 400, body: { field: 'available' } });
    expect((await control(running.url, 'POST', '/levels', { sku: 'nope', locationId: S001, available: 1 })).status).toBe(404);
    expect((await control(running.url, 'POST', '/orders', { lines: [] })).status).toBe(400);
  });

  it('streams every level as NDJSON', async () => {
    await addItems(running.url, Array.from({ length: 1200 }, (_, i) => ({ sku: String(10001000 + i) })));
    const response = await fetch(`${running.url}/_emulator/levels/export`);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await response.text()).trim().split('\n');
    expect(lines).toHaveLength(1202 * 21);
    expect(JSON.parse(lines[0]!)).toMatchObject({ sku: '10000001', inventoryItemId: '43000000001', hubLocation: 'DC01', available: 0 });
  });

  it('lists applied changes after a seq, paged by limit', async () => {
    for (const available of [1, 2, 3]) await control(running.url, 'POST', '/levels', { sku: '10000077', locationId: S002, available, webhook: false });
    const page = (await control(running.url, 'GET', '/changes?since=0&limit=2')).body;
    expect(page.changes.map((c: { seq: number; available: number; source: string }) => [c.seq, c.available, c.source])).toEqual([
      [1, 1, 'admin'],
      [2, 2, 'admin'],
    ]);
    expect(page.next).toBe(2);
    const rest = (await control(running.url, 'GET', `/changes?since=${page.next}`)).body;
    expect(rest).toEqual({ changes: [expect.objectContaining({ seq: 3, sku: '10000077', locationId: S002, hubLocation: 'S002', available: 3 })], next: 3 });
    expect((await control(running.url, 'GET', '/changes?since=3')).body).toEqual({ changes: [], next: 3 });
  });

  it('counts calls by operation and resets the counts', async () => {
    await gql(running.url, 'query Probe { shop { id } }');
    await gql(running.url, '{ locations(first: 1) { nodes { id } } }');
    const stats = (await control(running.url, 'GET', '/stats')).body;
    expect(stats).toMatchObject({ requests: 2, byOperation: { Probe: 1, locations: 1 }, offline: false, plan: 'standard', webhooks: { sent: 0, failed: 0, queued: 0 } });
    expect(stats.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    const reset = (await control(running.url, 'POST', '/stats/reset')).body;
    expect(reset).toMatchObject({ requests: 0, byOperation: {}, webhooks: { dropped: 0 } });
  });
});

describe('ChangeLog', () => {
  it('keeps the newest entries when full and resumes from the oldest held', () => {
    const log = new ChangeLog(3, () => ({ legacyId: '1', hubCode: 'S001' }));
    const item = { sku: 'A' };
    for (let i = 1; i <= 5; i++) log.record(item, 0, i, i, 'api');
    expect(log.oldestSeq).toBe(3);
    expect(log.since(0, 10).changes.map((c) => c.seq)).toEqual([3, 4, 5]);
    expect(log.since(4, 10)).toEqual({ changes: [{ seq: 5, sku: 'A', locationId: '1', hubLocation: 'S001', available: 5, at: 5, source: 'api' }], next: 5 });
  });
});
