import { failoverOf } from '../../scripts/chaos/failover';

describe('failover time from landings', () => {
  const steady = (from: number, to: number, latency: number) => Array.from({ length: (to - from) / 100 }, (_, i) => ({ committedAt: from + i * 100, landedAt: from + i * 100 + latency }));

  it('is 0 when no change was held up by the kill', () => {
    const f = failoverOf([...steady(0, 10_000, 200), ...steady(10_000, 20_000, 250)], 10_000);
    expect(f.ms).toBe(0);
    expect(f.delayed).toBe(0);
    expect(f.baselineP99Ms).toBe(200);
    expect(f.thresholdMs).toBe(1_200);
  });

  it('runs from the kill to the landing of the last held-up change', () => {
    // Killed at 10 s: what was committed until 18 s waits and lands at 18.3 s, then the flow is normal.
    const held = Array.from({ length: 80 }, (_, i) => ({ committedAt: 10_000 + i * 100, landedAt: 18_300 }));
    const f = failoverOf([...steady(0, 10_000, 200), ...held, ...steady(18_000, 25_000, 200)], 10_000);
    expect(f.ms).toBe(8_300);
    // The last 9, committed after 17.1 s, waited less than the threshold (1.2 s).
    expect(f.delayed).toBe(80 - 9);
  });

  it('counts a change in flight at the kill', () => {
    const f = failoverOf([...steady(0, 10_000, 200), { committedAt: 9_950, landedAt: 14_000 }, ...steady(10_000, 20_000, 200)], 10_000);
    expect(f.ms).toBe(4_000);
    expect(f.delayed).toBe(1);
  });
});
