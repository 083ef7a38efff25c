import { compareBatch, exitStatus, SummaryBuilder, type Summary } from '../../../../hub/ops/report/compare';
import type { HubLevel } from '../../../../hub/ops/report/hub-levels';
import type { SystemReading } from '../../../../hub/ops/report/system-view';

const AT = '2026-11-29T12:00:00.000Z';
const hub = (entries: Record<string, Partial<HubLevel>>) =>
  new Map(Object.entries(entries).map(([key, l]) => [key, { onHand: 0, reserved: 0, safetyStock: 0, ...l }]));
const reading = (values: Record<string, number>, failed: Record<string, string> = {}): SystemReading => ({
  values: new Map(Object.entries(values)),
  failed: new Map(Object.entries(failed)),
});
const erp = { system: 'erp', measure: 'onHand', absentMeansZero: true } as const;
const shopify = { system: 'shopify', measure: 'available', absentMeansZero: false } as const;

describe('compareBatch', () => {
  it('reports on-hand drift as system - hub, and leaves equal pairs out', () => {
    const result = compareBatch(erp, ['A', 'B'], ['S001'], hub({ 'A@S001': { onHand: 9, reserved: 2 }, 'B@S001': { onHand: 4 } }), reading({ 'A@S001': 7, 'B@S001': 4 }), AT);
    expect(result.compared).toEqual(['S001', 'S001']);
    expect(result.rows).toEqual([
      { system: 'erp', sku: 'A', location: 'S001', measure: 'onHand', hub: 9, value: 7, difference: -2, level: { onHand: 9, reserved: 2, safetyStock: 0 }, readAt: AT },
    ]);
  });

  it('compares available (on-hand - reserved - safety stock) for a system that shows it', () => {
    const levels = hub({ 'A@S001': { onHand: 10, reserved: 2, safetyStock: 1 }, 'B@S001': { onHand: 10, reserved: 2, safetyStock: 1 } });
    const result = compareBatch(shopify, ['A', 'B'], ['S001'], levels, reading({ 'A@S001': 7, 'B@S001': 10 }), AT);
    expect(result.rows).toEqual([expect.objectContaining({ sku: 'B', measure: 'available', hub: 7, value: 10, difference: 3 })]);
  });

  it('treats a missing balance row as zero, and a missing hub level as zero', () => {
    const result = compareBatch(erp, ['A', 'B', 'C'], ['S001'], hub({ 'A@S001': { onHand: 3 }, 'C@S001': {} }), reading({ 'B@S001': 5 }), AT);
    expect(result.rows.map((r) => [r.sku, r.hub, r.value, r.difference])).toEqual([
      ['A', 3, 0, -3],
      ['B', 0, 5, 5],
    ]);
    expect(result.compared).toHaveLength(3);
  });

  it('a record missing where the system does not track the item is drift only when the hub has something there', () => {
    const result = compareBatch(shopify, ['A', 'B'], ['S001'], hub({ 'A@S001': { onHand: 3 }, 'B@S001': { onHand: 2, reserved: 2 } }), reading({}), AT);
    expect(result.rows).toEqual([expect.objectContaining({ sku: 'A', hub: 3, value: null, difference: null })]);
    expect(result.compared).toHaveLength(2);
  });

  it('skips pairs neither side has, locations that failed, and float noise below the sources’ precision', () => {
    const result = compareBatch(erp, ['A'], ['S001', 'S002', 'S003'], hub({ 'A@S002': { onHand: 0.3 } }), reading({ 'A@S002': 0.1 + 0.2, 'A@S003': 4 }, { S003: 'down' }), AT);
    expect(result.rows).toEqual([]);
    expect(result.compared).toEqual(['S002']);
  });
});

describe('SummaryBuilder', () => {
  it('counts compared pairs and drift by system and location', () => {
    const builder = new SummaryBuilder();
    builder.include('wms');
    const batch = compareBatch(erp, ['A', 'B'], ['S001', 'DC01'], hub({ 'A@S001': { onHand: 1 }, 'B@DC01': { onHand: 2 } }), reading({ 'A@S001': 1, 'B@DC01': 5, 'B@S001': 1 }), AT);
    builder.add('erp', batch.compared, batch.rows);
    builder.fail({ system: 'agents', location: 'S002', message: 'down' });
    expect(builder.build(2, true)).toEqual({
      skus: 2,
      complete: true,
      systems: {
        erp: { compared: 3, drift: 2, byLocation: { S001: { compared: 2, drift: 1 }, DC01: { compared: 1, drift: 1 } } },
        wms: { compared: 0, drift: 0, byLocation: {} },
      },
      failures: [{ system: 'agents', location: 'S002', message: 'down' }],
    });
  });
});

describe('exitStatus', () => {
  const summary = (over: Partial<Summary> = {}): Summary => ({ skus: 1, systems: {}, failures: [], complete: true, ...over });
  const failure = { system: 'agents' as const, location: 'S001', message: 'ECONNREFUSED' };

  it.each([
    ['in sync', summary(), 0, false, 0],
    ['drift found', summary(), 3, false, 1],
    ['a system unreachable', summary({ failures: [failure] }), 0, false, 2],
    ['unreachable but skipped, in sync', summary({ failures: [failure] }), 0, true, 0],
    ['unreachable but skipped, drift', summary({ failures: [failure] }), 1, true, 1],
    ['interrupted', summary({ complete: false }), 0, false, 130],
    ['interrupted with an error', summary({ complete: false, failures: [failure] }), 0, false, 2],
  ])('%s -> %i', (_what, s, remaining, skip, expected) => {
    expect(exitStatus(s, remaining, skip)).toBe(expected);
  });
});
