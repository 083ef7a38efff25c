import pino from 'pino';
import { Registry } from 'prom-client';
import { CircuitOpenError, type ShopifyCaller } from '../../../../hub/channels/shopify/caller';
import type { ItemMap } from '../../../../hub/channels/shopify/item-map';
import { createChannelMetrics } from '../../../../hub/channels/shopify/metrics';
import type { DueRow, PushStore } from '../../../../hub/channels/shopify/push-store';
import { Pusher, type PusherOptions } from '../../../../hub/channels/shopify/pusher';
import { DependencyError } from '../../../../core/errors';
import { ShopifyQueryError, ShopifyThrottledError, type EchoMarks } from '../../../../core/shopify';

const logger = pino({ level: 'silent' });
const row = (sku: string, locationId: string, wanted: number, pushed: number | null, item: string | null = `4${sku}`): DueRow => ({ sku, locationId, wanted, wantedVersion: 3, wantedAt: new Date(), pushed, inventoryItemId: item, refusals: 0 });

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
  // Served once; enqueue() makes more due.
  let pending = due;
  const store = {
    due: async (limit: number) => {
      limits.push(limit);
      const rows = pending.slice(0, limit);
      pending = [];
      return rows;
    },
    markPushed: async (rows: DueRow[]) => log.push(`pushed ${rows.map((r) => `${r.sku}@${r.locationId}=${r.wanted}`).join(',')}`),
    markConflict: async (rows: Array<{ sku: string; locationId: string; actual: number | null }>, waitMs: number) => log.push(`conflict ${rows.map((r) => `${r.sku}@${r.locationId} now ${r.actual}`).join(',')} wait ${waitMs}`),
    markFailed: async (rows: DueRow[], reason: string, permanent: boolean) => log.push(`failed ${rows.map((r) => r.sku).join(',')} ${permanent ? 'for good' : 'for now'}: ${reason}`),
    markShadowed: async (rows: DueRow[]) => log.push(`shadowed ${rows.map((r) => r.sku).join(',')}`),
    parkedCount: async () => 0,
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
  return { log, calls, limits, mostInFlight: () => mostInFlight, settle, enqueue: (rows: DueRow[]) => (pending = rows) };
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

  it('pushes again when started after a stop: an instance that leads again', async () => {
    const h = harness([row('A', 'S001', 5, 7)], () => ok);
    await h.settle();
    h.enqueue([row('B', 'S001', 2, 3)]);
    await h.settle();
    expect(h.log.filter((l) => l.startsWith('pushed'))).toEqual(['pushed A@S001=5', 'pushed B@S001=2']);
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
    // After a definite refusal the same content is a new request: Shopify would replay the refusal.
    const afterRefusal = harness([{ ...row('A', 'S001', 5, 7), refusals: 1 }], () => ok);
    await afterRefusal.settle();
    expect((afterRefusal.calls[0]!.variables as { idempotencyKey: string }).idempotencyKey).not.toBe((first.calls[0]!.variables as { idempotencyKey: string }).idempotencyKey);
    // A level back at a value and base it had before (sold, returned, sold again) is a new write:
    // under the old key Shopify would replay the first answer and apply nothing.
    const soldAgain = harness([{ ...row('A', 'S001', 5, 7), wantedVersion: 9 }], () => ok);
    await soldAgain.settle();
    expect((soldAgain.calls[0]!.variables as { idempotencyKey: string }).idempotencyKey).not.toBe((first.calls[0]!.variables as { idempotencyKey: string }).idempotencyKey);
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

/**
 * The per-row failure policy against an in-memory queue that behaves as shopify_push does: due
 * rows oldest first, a refused row waiting its backoff, parked at the policy's attempts.
 */
function queueHarness(skus: string[], refuse: (quantities: Array<{ inventoryItemId: string }>) => unknown | Error, policy = { maxAttempts: 3, backoffMs: 5, backoffMaxMs: 5 }) {
  type Entry = { row: DueRow; pushed: boolean; attempts: number; notBefore: number; parked: boolean; reason: string | null };
  const queue = new Map<string, Entry>(skus.map((sku, i) => [sku, { row: { ...row(sku, 'S001', 1, 0), wantedAt: new Date(1_000 + i) }, pushed: false, attempts: 0, notBefore: 0, parked: false, reason: null }]));
  const calls: string[][] = [];
  const store = {
    due: async (limit: number) =>
      [...queue.values()]
        .filter((e) => !e.pushed && !e.parked && e.notBefore <= Date.now())
        .slice(0, limit)
        .map((e) => ({ ...e.row })),
    markPushed: async (rows: DueRow[]) => rows.forEach((r) => (queue.get(r.sku)!.pushed = true)),
    markConflict: async () => undefined,
    markFailed: async () => undefined,
    recordRefusal: async (rows: DueRow[], reason: string, p: typeof policy) =>
      rows.map((r) => {
        const e = queue.get(r.sku)!;
        e.attempts += 1;
        e.reason = reason;
        e.parked = e.attempts >= p.maxAttempts;
        e.notBefore = Date.now() + Math.min(p.backoffMaxMs, p.backoffMs * 2 ** (e.attempts - 1));
        return { sku: r.sku, locationId: r.locationId, attempts: e.attempts, parked: e.parked };
      }),
    parkedCount: async () => [...queue.values()].filter((e) => e.parked).length,
  } as unknown as PushStore;
  const caller = {
    circuitClosed: true,
    call: async (_operation: string, _doc: string, variables: { input: { quantities: Array<{ inventoryItemId: string }> } }) => {
      calls.push(variables.input.quantities.map((q) => q.inventoryItemId.replace('gid://shopify/InventoryItem/4', '')));
      const answer = refuse(variables.input.quantities);
      if (answer instanceof Error) throw answer;
      return { data: answer ?? ok, cost: null };
    },
  } as unknown as ShopifyCaller;
  const echo = { mark: async () => undefined, unmark: async () => undefined } as unknown as EchoMarks;
  const registry = new Registry();
  const metrics = createChannelMetrics({ registry } as never);
  const pusher = new Pusher(store, {} as ItemMap, caller, echo, new Map([['S001', '74128500001']]), metrics, logger, {
    mode: 'live',
    batch: 250,
    concurrency: 1,
    coalesceMs: 0,
    staleRetryMs: 2000,
    backoffMs: 5,
    backoffMaxMs: 5,
    rowFailure: policy,
  });
  const runFor = async (ms: number) => {
    pusher.start();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await pusher.stop();
  };
  const gauge = async (name: string) => (await registry.getSingleMetric(name)!.get()).values;
  return { queue, calls, runFor, gauge };
}

const userError = (code: string, field: string[] | null, message = 'refused') => ({ inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [{ code, field, message }] } });
/** Refuses any call that carries BAD: with an error naming its quantity, or naming nothing. */
const refuseBad =
  (attributed: boolean) =>
  (quantities: Array<{ inventoryItemId: string }>): unknown => {
    const index = quantities.findIndex((q) => q.inventoryItemId.endsWith('/4BAD'));
    if (index < 0) return ok;
    return userError(attributed ? 'SOMETHING_NEW' : 'INTERNAL_ODDITY', attributed ? ['input', 'quantities', String(index), 'quantity'] : null);
  };

describe('Pusher, one bad row', () => {
  it('holds only that row back on an unknown user error for its quantity: the others are pushed at once, the bad one waits and is parked after maxAttempts', async () => {
    const h = queueHarness(['A', 'BAD', 'C'], refuseBad(true));
    // An idle pusher looks for due rows every second: the later attempts come after such polls.
    await h.runFor(2_500);
    expect(h.calls[0]).toEqual(['A', 'BAD', 'C']);
    expect(h.calls[1]).toEqual(['A', 'C']);
    expect([...h.queue.values()].map((e) => [e.row.sku, e.pushed, e.parked, e.attempts])).toEqual([
      ['A', true, false, 0],
      ['BAD', false, true, 3],
      ['C', true, false, 0],
    ]);
    // Three attempts, each alone once the others had gone, then never again.
    expect(h.calls.filter((c) => c.includes('BAD'))).toEqual([['A', 'BAD', 'C'], ['BAD'], ['BAD']]);
    expect(h.queue.get('BAD')!.reason).toBe('Shopify: SOMETHING_NEW refused');
    expect(await h.gauge('stockhub_shopify_parked')).toEqual([expect.objectContaining({ value: 1 })]);
    expect(await h.gauge('stockhub_shopify_row_refusals_total')).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { outcome: 'waiting' }, value: 2 }), expect.objectContaining({ labels: { outcome: 'parked' }, value: 1 })]),
    );
  });

  it('halves a call Shopify refuses as a whole until the bad row is alone; every other row reaches Shopify', async () => {
    const skus = ['A', 'B', 'C', 'D', 'BAD', 'F', 'G', 'H'];
    const h = queueHarness(skus, refuseBad(false), { maxAttempts: 1, backoffMs: 5, backoffMaxMs: 5 });
    await h.runFor(200);
    expect(h.calls.slice(0, 4)).toEqual([skus, ['A', 'B', 'C', 'D'], ['BAD', 'F', 'G', 'H'], ['BAD', 'F']]);
    expect([...h.queue.values()].filter((e) => !e.pushed).map((e) => [e.row.sku, e.parked, e.reason])).toEqual([['BAD', true, 'Shopify refused the call: INTERNAL_ODDITY refused']]);
  });

  it('also halves a call whose document Shopify refuses (a GraphQL error)', async () => {
    const h = queueHarness(['A', 'BAD'], (quantities) => (quantities.some((q) => q.inventoryItemId.endsWith('/4BAD')) ? new ShopifyQueryError('Shopify refused the query: bad value', []) : ok), {
      maxAttempts: 1,
      backoffMs: 5,
      backoffMaxMs: 5,
    });
    await h.runFor(100);
    expect([...h.queue.values()].map((e) => [e.row.sku, e.pushed, e.parked])).toEqual([
      ['A', true, false],
      ['BAD', false, true],
    ]);
  });

  it('never counts a failure that is not the rows’: network, 5xx, throttling, the circuit, a request still in flight', async () => {
    const failures: Array<Error | unknown> = [
      new DependencyError('Shopify unreachable: ECONNRESET', 'shopify'),
      new DependencyError('Shopify answered 503 Service Unavailable', 'shopify'),
      new ShopifyThrottledError(null, 1),
      new CircuitOpenError(1),
      userError('IDEMPOTENCY_CONCURRENT_REQUEST', null),
    ];
    let n = 0;
    const h = queueHarness(['A', 'B'], () => failures[n++] ?? ok, { maxAttempts: 1, backoffMs: 5, backoffMaxMs: 5 });
    await h.runFor(300);
    expect(h.calls.length).toBe(failures.length + 1);
    expect([...h.queue.values()].map((e) => [e.row.sku, e.pushed, e.parked, e.attempts])).toEqual([
      ['A', true, false, 0],
      ['B', true, false, 0],
    ]);
  });
});
