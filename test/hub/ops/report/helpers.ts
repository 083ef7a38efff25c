import type { Clock } from '../../../../hub/ops/report/clock';
import type { DriftRow } from '../../../../hub/ops/report/compare';

/** A clock whose sleeps take no time and are recorded. */
export function fakeClock(start = Date.parse('2026-11-29T12:00:00.000Z')): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      if (ms > 0) slept.push(ms);
      now += Math.max(0, ms);
    },
  };
}

export function driftRow(overrides: Partial<DriftRow> = {}): DriftRow {
  return {
    system: 'erp',
    sku: '10000001',
    location: 'S001',
    measure: 'onHand',
    hub: 9,
    value: 7,
    difference: -2,
    level: { onHand: 9, reserved: 0, safetyStock: 0 },
    readAt: '2026-11-29T12:00:00.000Z',
    ...overrides,
  };
}
