import type { Producer } from 'kafkajs';
import { checkMovement, stockMovementSchema } from '../../../../core/model';
import type { DriftRow } from '../../../../hub/ops/report/compare';
import { countedOnHand, fixEventId, fixMovement, planFixes, type FixContext } from '../../../../hub/ops/report/fix';
import { runFix, type FixRunInput } from '../../../../hub/ops/report/fix-run';
import type { HubLevel } from '../../../../hub/ops/report/hub-levels';
import type { SystemView } from '../../../../hub/ops/report/system-view';
import { driftRow, fakeClock } from './helpers';

const context: FixContext = { runId: '20261129T120000Z-abc123', actor: 'ops:alice', now: new Date('2026-11-29T12:00:05.000Z') };
const shopifyRow = driftRow({ system: 'shopify', measure: 'available', hub: 9, value: 7, difference: -2, level: { onHand: 12, reserved: 2, safetyStock: 1 } });

describe('the corrective movement', () => {
  it('is a schema-valid COUNT from the hub, as of the moment the system was read', () => {
    const movement = fixMovement(driftRow(), context);
    expect(stockMovementSchema.parse(movement)).toEqual(movement);
    expect(checkMovement(movement).ok).toBe(true);
    expect(movement).toEqual({
      schema: 'stock.movement.v1',
      eventId: fixEventId(context.runId, { system: 'erp', sku: '10000001', location: 'S001' }),
      type: 'COUNT',
      sku: '10000001',
      locationId: 'S001',
      countedQuantity: 7,
      occurredAt: '2026-11-29T12:00:00.000Z',
      ingestedAt: '2026-11-29T12:00:05.000Z',
      source: { system: 'HUB', instance: 'stockhub-reconcile', ref: { document: context.runId, line: null, entity: 'reconcile:erp' }, position: null, raw: null },
      actor: 'ops:alice',
      reason: 'reconciliation: erp showed 7, hub had 9',
      correlationId: context.runId,
    });
  });

  it('counts on-hand: the system’s own for on-hand systems, available + the hub’s reserved and safety stock for Shopify', () => {
    expect(countedOnHand(driftRow({ value: 7 }))).toBe(7);
    expect(countedOnHand(shopifyRow)).toBe(7 + 2 + 1);
    const movement = fixMovement(shopifyRow, context);
    expect(movement.countedQuantity).toBe(10);
    expect(movement.reason).toBe('reconciliation: shopify showed 7 available, hub had 9 available');
  });

  it('has a deterministic id: the same run, system, SKU and location give the same id, anything else another', () => {
    const id = fixMovement(driftRow(), context).eventId;
    expect(fixMovement(driftRow({ value: 3, readAt: '2026-11-29T13:00:00.000Z' }), { ...context, now: new Date() }).eventId).toBe(id);
    expect(fixMovement(driftRow(), { ...context, runId: 'other' }).eventId).not.toBe(id);
    expect(fixMovement(driftRow({ system: 'wms' }), context).eventId).not.toBe(id);
    expect(fixMovement(driftRow({ location: 'S002' }), context).eventId).not.toBe(id);
    expect(id).toMatch(/^hub-recon-[\w-]{32}$/);
  });

  it('is not planned where the system has no number, nor where the count would be negative', () => {
    const plans = planFixes([driftRow(), driftRow({ sku: 'B', value: null, difference: null }), { ...shopifyRow, sku: 'C', value: -5, difference: -14 }], context);
    expect(plans.map((p) => ('movement' in p ? p.movement.countedQuantity : p.skipped))).toEqual([7, 'erp has no record to trust', 'the on-hand it implies (-2) is negative']);
  });
});

describe('runFix', () => {
  function setup(options: { confirm?: boolean; applied?: boolean; hubAfter?: number } = {}) {
    const sent: Array<{ topic: string; messages: Array<{ key: string; value: string }> }> = [];
    const producer = { send: async (record: (typeof sent)[number]) => void sent.push(record), disconnect: async () => undefined } as unknown as Producer;
    const applied = new Map<string, string>();
    const lines: string[] = [];
    let asked: string | null = null;
    const view: SystemView = {
      system: 'erp',
      measure: 'onHand',
      absentMeansZero: true,
      batchSize: 500,
      locations: async (wanted) => [...(wanted ?? ['S001'])],
      read: async () => ({ values: new Map([['10000001@S001', 7]]), failed: new Map() }),
      close: async () => undefined,
    };
    const input: FixRunInput = {
      rows: [driftRow(), driftRow({ system: 'wms', location: 'DC01' }), driftRow({ sku: 'NONE', value: null, difference: null })],
      system: 'erp',
      view,
      hub: {
        levels: async () => new Map<string, HubLevel>([['10000001@S001', { onHand: options.hubAfter ?? 7, reserved: 0, safetyStock: 0 }]]),
        ledgerEffects: async (ids) => {
          if (options.applied !== false) for (const id of ids) applied.set(id, 'applied');
          return applied;
        },
      },
      context,
      topic: 'stock.movements',
      connect: async () => producer,
      confirm: async (question) => {
        asked = question;
        return options.confirm ?? true;
      },
      say: (line) => lines.push(line),
      clock: fakeClock(),
      signal: new AbortController().signal,
    };
    return { input, sent, lines, asked: () => asked };
  }

  it('sends the trusted system’s drifts as COUNTs keyed by SKU, waits for the ledger, and verifies with a fresh read', async () => {
    const { input, sent, lines, asked } = setup();
    const outcomes = await runFix(input);
    expect(asked()).toContain('COUNT 10000001@S001 = 7');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe('stock.movements');
    expect(sent[0]!.messages.map((m) => [m.key, JSON.parse(m.value).countedQuantity])).toEqual([['10000001', 7]]);
    expect(outcomes).toEqual([
      { system: 'erp', sku: '10000001', location: 'S001', status: 'applied', eventId: fixEventId(context.runId, driftRow()), countedQuantity: 7, detail: null, resolved: true },
      { system: 'erp', sku: 'NONE', location: 'S001', status: 'skipped', eventId: null, countedQuantity: null, detail: 'erp has no record to trust', resolved: false },
    ]);
    expect(lines.join('\n')).toContain('waiting up to 10 s for the reconciler');
  });

  it('sends nothing when the operator declines', async () => {
    const { input, sent } = setup({ confirm: false });
    const outcomes = await runFix(input);
    expect(sent).toHaveLength(0);
    expect(outcomes.map((o) => o.status)).toEqual(['declined', 'skipped']);
  });

  it('says when the reconciler has not applied the counts within 10 s, and leaves the drift unresolved', async () => {
    const { input, lines } = setup({ applied: false, hubAfter: 9 });
    const outcomes = await runFix(input);
    expect(outcomes[0]).toMatchObject({ status: 'pending', resolved: false, detail: 'not in the ledger within 10 s' });
    expect(lines.join('\n')).toContain('is the reconciler running?');
    expect((input.clock as ReturnType<typeof fakeClock>).slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
  });
});
