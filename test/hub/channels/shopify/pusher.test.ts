import pino from 'pino';
import { Registry } from 'prom-client';
import type { ShopifyCaller } from '../../../../hub/channels/shopify/caller';
import type { ItemMap } from '../../../../hub/channels/shopify/item-map';
import { createChannelMetrics } from '../../../../hub/channels/shopify/metrics';
import type { DueRow, PushStore } from '../../../../hub/channels/shopify/push-store';
import { Pusher, type PusherOptions } from '../../../../hub/channels/shopify/pusher';
import type { EchoMarks } from '../../../../core/shopify';

const logger = pino({ level: 'silent' });
const row = (sku: string, locationId: string, wanted: number, pushed: number | null, item: string | null = `4${sku}`): DueRow => ({ sku, locationId, wanted, wantedVersion: 3, wantedAt: new Date(), pushed, inventoryItemId: item });

interface Call {
  operation: string;
  variables: Record<string, unknown> | undefined;
}

function harness(due: DueRow[], answer: (call: Call) => unknown, options: Partial<PusherOptions> = {}, circuitClosed = true) {
  const log: string[] = [];
  const calls: Call[] = [];
  const limits: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let served = false;
  const store = {
    due: async (limit: number) => {
      limits.push(limit);
      return served ? [] : ((served = true), due.slice(0, limit));
    },
    markPushed: async (rows: DueRow[]) => log.push(`pushed ${rows.map((r) => `${r.sku}@${r.locationId}=${r.wanted}`).join(',')}`),
    markConflict: async (rows: Array<{ sku: string; locationId: string; actual: number | null }>, waitMs: number) => log.push(`conflict ${rows.map((r) => `${r.sku}@${r.locationId} now ${r.actual}`).join(',')} wait ${waitMs}`),
    markFailed: async (rows: DueRow[], reason: string, permanent: boolean) => log.push(`failed ${rows.map((r) => r.sku).join(',')} ${permanent ? 'for good' : 'for now'}: ${reason}`),
    markShadowed: async (rows: DueRow[]) => log.push(`shadowed ${rows.map((r) => r.sku).join(',')}`),
  } as unknown as PushStore;
  const items = { resolve: async (skus: string[]) => new Map(skus.map((s) => [s, s === 'GONE' ? null : `9${s}`])) } as unknown as ItemMap;
  const caller = {
    circuitClosed,
    call: async (operation: string, _doc: string, variables: Record<string, unknown> | undefined) => {
      calls.push({ operation, variables });
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { data: answer({ operation, variables }), cost: null };
    },
  } as unknown as ShopifyCaller;
  const echo = {
    mark: async (writes: unknown[]) => log.push(`mark ${JSON.stringify(writes)}`),
    unmark: async (writes: unknown[]) => log.push(`unmark ${writes.length}`),
  } as unknown as EchoMarks;
  const pusher = new Pusher(store, items, caller, echo, new Map([['S001', '74128500001'], ['DC01', '74128450876']]), createChannelMetrics({ registry: new Registry() } as never), logger, {
    mode: 'live',
    batch: 250,
    concurrency: 1,
    coalesceMs: 0,
    staleRetryMs: 2000,
    backoffMs: 10,
    backoffMaxMs: 10,
    ...options,
  });
  const settle = async () => {
    pusher.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pusher.stop();
  };
  return { log, calls, limits, mostInFlight: () => mostInFlight, settle };
}

const ok = { inventorySetQuantities: { inventoryAdjustmentGroup: { id: 'gid://shopify/InventoryAdjustmentGroup/1' }, userErrors: [] } };

describe('Pusher', () => {
  it('sets quantities with their compare-and-set base and an idempotency key, marking them as the hub’s own first', async () => {
    const h = harness([row('A', 'S001', 5, 7), row('B', 'DC01', 0, null)], () => ok);
    await h.settle();
    expect(h.log).toEqual([
      `mark ${JSON.stringify([{ inventoryItemId: '4A', locationId: '74128500001', quantity: 5 }, { inventoryItemId: '4B', locationId: '74128450876', quantity: 0 }])}`,
      'pushed A@S001=5,B@DC01=0',
    ]);
    const variables = h.calls[0]!.variables as { input: { name: string; quantities: unknown[] }; idempotencyKey: string };
    expect(variables.input.name).toBe('available');
    expect(variables.input.quantities).toEqual([
      { inventoryItemId: 'gid://shopify/InventoryItem/4A', locationId: 'gid://shopify/Location/74128500001', quantity: 5, changeFromQuantity: 7 },
      { inventoryItemId: 'gid://shopify/InventoryItem/4B', locationId: 'gid://shopify/Location/74128450876', quantity: 0, changeFromQuantity: null },
    ]);
    expect(variables.idempotencyKey).toMatch(/^[0-9a-f]{48}$/);
  });

  it('with a backlog, has `concurrency` calls of `batch` quantities in flight at once, each level in one of them', async () => {
    const rows = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((sku) => row(sku, 'S001', 1, 0));
    const h = harness(rows, () => ok, { batch: 2, concurrency: 3 });
    await h.settle();
    expect(h.limits[0]).toBe(6);
    expect(h.mostInFlight()).toBe(3);
    const pushed = h.calls.map((c) => (c.variables as { input: { quantities: Array<{ inventoryItemId: string }> } }).input.quantities.map((q) => q.inventoryItemId.slice(-2)));
    expect(pushed).toEqual([
      ['4A', '4B'],
      ['4C', '4D'],
      ['4E', '4F'],
    ]);
    expect(h.log.filter((l) => l.startsWith('pushed'))).toEqual(['pushed A@S001=1,B@S001=1', 'pushed C@S001=1,D@S001=1', 'pushed E@S001=1,F@S001=1']);
  });

  it('makes one call at a time while the circuit is open or probing', async () => {
    const h = harness(['A', 'B', 'C', 'D'].map((sku) => row(sku, 'S001', 1, 0)), () => ok, { batch: 2, concurrency: 3 }, false);
    await h.settle();
    expect(h.limits[0]).toBe(2);
    expect(h.mostInFlight()).toBe(1);
  });

  it('gives the same batch the same idempotency key', async () => {
    const first = harness([row('A', 'S001', 5, 7)], () => ok);
    const second = harness([row('A', 'S001', 5, 7)], () => ok);
    await first.settle();
    await second.settle();
    expect((first.calls[0]!.variables as { idempotencyKey: string }).idempotencyKey).toBe((second.calls[0]!.variables as { idempotencyKey: string }).idempotencyKey);
  });

  it('re-bases a lost compare-and-set on Shopify’s value and sets aside what Shopify refuses; nothing counts as pushed', async () => {
    const h = harness([row('A', 'S001', 5, 7), row('B', 'S001', 2, 2), row('C', 'DC01', 1, 1)], ({ operation }) =>
      operation === 'inventorySetQuantities'
        ? {
            inventorySetQuantities: {
              inventoryAdjustmentGroup: null,
              userErrors: [
                { code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '0', 'changeFromQuantity'], message: 'stale' },
                { code: 'ITEM_NOT_STOCKED_AT_LOCATION', field: ['input', 'quantities', '2', 'locationId'], message: 'not stocked' },
              ],
            },
          }
        : { nodes: [{ legacyResourceId: '4A', inventoryLevel: { quantities: [{ name: 'available', quantity: 6 }] } }] },
    );
    await h.settle();
    expect(h.log.slice(1)).toEqual(['unmark 3', 'failed C for good: Shopify: ITEM_NOT_STOCKED_AT_LOCATION', 'conflict A@S001 now 6 wait 2000']);
    expect(h.calls.map((c) => c.operation)).toEqual(['inventorySetQuantities', 'inventoryItemLevelsAt']);
    expect(h.calls[1]!.variables).toEqual({ ids: ['gid://shopify/InventoryItem/4A'], locationId: 'gid://shopify/Location/74128500001' });
  });

  it('sets aside SKUs Shopify does not sell without calling Shopify for them', async () => {
    const h = harness([row('GONE', 'S001', 5, null, null)], () => ok);
    await h.settle();
    expect(h.log).toEqual([expect.stringMatching(/^failed GONE for good: not sold in Shopify/)]);
    expect(h.calls).toEqual([]);
  });

  it('in shadow mode logs what it would set and writes nothing', async () => {
    const h = harness([row('A', 'S001', 5, 7)], () => ok, { mode: 'shadow' });
    await h.settle();
    expect(h.log).toEqual(['shadowed A']);
    expect(h.calls).toEqual([]);
  });
});
