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

function harness(due: DueRow[], answer: (call: Call) => unknown, options: Partial<PusherOptions> = {}) {
  const log: string[] = [];
  const calls: Call[] = [];
  let served = false;
  const store = {
    due: async () => (served ? [] : ((served = true), due)),
    markPushed: async (rows: DueRow[]) => log.push(`pushed ${rows.map((r) => `${r.sku}@${r.locationId}=${r.wanted}`).join(',')}`),
    markConflict: async (rows: Array<{ sku: string; locationId: string; actual: number | null }>, waitMs: number) => log.push(`conflict ${rows.map((r) => `${r.sku}@${r.locationId} now ${r.actual}`).join(',')} wait ${waitMs}`),
    markFailed: async (rows: DueRow[], reason: string, permanent: boolean) => log.push(`failed ${rows.map((r) => r.sku).join(',')} ${permanent ? 'for good' : 'for now'}: ${reason}`),
    markShadowed: async (rows: DueRow[]) => log.push(`shadowed ${rows.map((r) => r.sku).join(',')}`),
  } as unknown as PushStore;
  const items = { resolve: async (skus: string[]) => new Map(skus.map((s) => [s, s === 'GONE' ? null : `9${s}`])) } as unknown as ItemMap;
  const caller = {
    call: async (operation: string, _doc: string, variables: Record<string, unknown> | undefined) => {
      calls.push({ operation, variables });
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
  return { log, calls, settle };
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
        : { nodes: [{ legacyResourceId: '4A', inventoryLevels: { nodes: [{ location: { legacyResourceId: '74128500001' }, quantities: [{ name: 'available', quantity: 6 }] }] } }] },
    );
    await h.settle();
    expect(h.log.slice(1)).toEqual(['unmark 3', 'failed C for good: Shopify: ITEM_NOT_STOCKED_AT_LOCATION', 'conflict A@S001 now 6 wait 2000']);
    expect(h.calls.map((c) => c.operation)).toEqual(['inventorySetQuantities', 'inventoryItemLevels']);
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
