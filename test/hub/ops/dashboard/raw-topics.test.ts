/** Raw topic rates and the newest record's age, against a fake Kafka admin. */
import type { Admin } from 'kafkajs';
import { newestRecordTime, RawTopicTracker } from '../../../../hub/ops/dashboard/sources/raw-topics';

/** A topic whose records carry these timestamps, per partition, as ListOffsets-by-timestamp sees them. */
function fakeAdmin(timestamps: Record<number, number[]>): Admin & { calls: number } {
  const admin = {
    calls: 0,
    async fetchTopicOffsetsByTimestamp(_topic: string, at?: number) {
      admin.calls += 1;
      return Object.entries(timestamps).map(([partition, stamps]) => {
        const index = stamps.findIndex((t) => t >= (at ?? 0));
        return { partition: Number(partition), offset: String(index === -1 ? stamps.length : index) };
      });
    },
  };
  return admin as unknown as Admin & { calls: number };
}

describe('newestRecordTime', () => {
  const now = Date.UTC(2026, 10, 29, 12);
  it('finds the newest timestamp over all partitions to 100 ms, in a few dozen requests', async () => {
    const newest = now - 3_600_000 - 4_321;
    const admin = fakeAdmin({ 0: [now - 86_400_000, newest], 1: [now - 7_200_000], 2: [] });
    const found = await newestRecordTime(admin, 't', [{ partition: 0, high: 2, low: 0 }, { partition: 1, high: 1, low: 0 }, { partition: 2, high: 0, low: 0 }], now);
    expect(found).not.toBeNull();
    expect(newest - found!).toBeGreaterThanOrEqual(0);
    expect(newest - found!).toBeLessThanOrEqual(100);
    expect(admin.calls).toBeLessThan(30);
  });

  it('answers null for a topic with no records', async () => {
    expect(await newestRecordTime(fakeAdmin({ 0: [] }), 't', [{ partition: 0, high: 0, low: 0 }], now)).toBeNull();
  });
});

describe('RawTopicTracker', () => {
  it('reports records per second between samples and dates the newest record when the end moves', () => {
    let now = 1_000_000;
    const tracker = new RawTopicTracker(() => now);
    const admin = fakeAdmin({ 0: [] });
    const ends = (high: number) => new Map([['raw.pdv.movements', [{ partition: 0, high, low: 0 }]]]);
    expect(tracker.update(admin, ends(0))).toEqual([
      { topic: 'raw.pdv.movements', system: 'PDV', endOffset: 0, perSecond: null, lastRecordAt: null, ageSeconds: null },
    ]);
    now += 2_000;
    expect(tracker.update(admin, ends(10))[0]).toMatchObject({ endOffset: 10, perSecond: 5, lastRecordAt: new Date(now).toISOString(), ageSeconds: 0 });
    now += 3_000;
    expect(tracker.update(admin, ends(10))[0]).toMatchObject({ perSecond: 2, ageSeconds: 3 });
  });
});
