/** The dashboard's small parts: the shared cache, timeboxed sources, Prometheus text, lag. */
import { sharedFor } from '../../../../hub/ops/dashboard/cache';
import { timeboxed } from '../../../../hub/ops/dashboard/section';
import { parsePrometheusText } from '../../../../hub/ops/dashboard';
import { sampleValue } from '../../../../hub/ops/dashboard/prom-text';
import { lagOf, stageOf, totalLag } from '../../../../hub/ops/dashboard/sources/consumer-groups';

describe('sharedFor', () => {
  it('computes once for concurrent callers and serves the value for its ttl after it settles', async () => {
    let now = 0;
    let calls = 0;
    const read = sharedFor(1_000, async () => ++calls, () => now);
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    now = 999;
    expect(await read()).toBe(1);
    now = 1_000;
    expect(await read()).toBe(2);
  });

  it('does not serve a failure again', async () => {
    let calls = 0;
    const read = sharedFor(60_000, async () => {
      calls += 1;
      if (calls === 1) throw new Error('down');
      return calls;
    });
    await expect(read()).rejects.toThrow('down');
    expect(await read()).toBe(2);
  });
});

describe('timeboxed', () => {
  it('answers unavailable with the reason when the source fails or is slow, and keeps one call in flight', async () => {
    expect(await timeboxed('broken', 100, async () => Promise.reject(new Error('ECONNREFUSED'))).read()).toEqual({ status: 'unavailable', error: 'broken: ECONNREFUSED' });

    let release!: () => void;
    let started = 0;
    const slow = timeboxed('slow', 30, () => {
      started += 1;
      return new Promise<string>((resolve) => (release = () => resolve('late')));
    });
    expect(await slow.read()).toEqual({ status: 'unavailable', error: 'slow: no answer within 30 ms' });
    expect(await slow.read()).toEqual({ status: 'unavailable', error: 'slow: previous read still pending' });
    expect(started).toBe(1);
    release();
    await new Promise((r) => setImmediate(r));
    expect(await timeboxed('fast', 100, async () => 42).read()).toMatchObject({ status: 'ok', data: 42 });
  });
});

describe('parsePrometheusText', () => {
  const text = [
    '# HELP stockhub_shopify_throttle_available Points left',
    '# TYPE stockhub_shopify_throttle_available gauge',
    'stockhub_shopify_throttle_available{service="shopify-channel"} 940.5',
    'stockhub_shopify_circuit_state{service="shopify-channel",shop="a \\"b\\""} 2',
    'stockhub_e2e_latency_seconds_bucket{le="+Inf",channel="shopify"} 12 1700000000000',
    'garbage line',
  ].join('\n');

  it('reads samples with labels, escaped quotes and timestamps, and skips what it cannot read', () => {
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(3);
    expect(samples[1]).toEqual({ name: 'stockhub_shopify_circuit_state', labels: { service: 'shopify-channel', shop: 'a "b"' }, value: 2 });
    expect(sampleValue(samples, 'stockhub_shopify_throttle_available')).toBe(940.5);
    expect(sampleValue(samples, 'stockhub_e2e_latency_seconds_bucket', { le: '+Inf' })).toBe(12);
    expect(sampleValue(samples, 'stockhub_shopify_push_queue')).toBeNull();
  });
});

describe('lagOf', () => {
  const ends = new Map([
    ['stock.movements', [{ partition: 0, high: 100, low: 0 }, { partition: 1, high: 50, low: 0 }, { partition: 2, high: 7, low: 0 }]],
    ['stock.levels', [{ partition: 0, high: 10, low: 0 }]],
  ]);

  const committed = new Map([['stock.movements', new Map([[0, 90], [1, -1]])], ['gone.topic', new Map([[0, 1]])]]);

  it('sums end minus next offset, and counts partitions without an offset apart instead of as backlog', () => {
    const topics = lagOf(committed, ends);
    expect(topics).toEqual([{ topic: 'stock.movements', lag: 10, uncommittedPartitions: 2 }]);
    expect(totalLag(topics)).toBe(10);
    expect(totalLag(lagOf(new Map([['stock.levels', new Map()]]), ends))).toBeNull();
  });

  it('counts what is retained for a consumer that starts at the beginning (the reconciler), and nothing for empty partitions', () => {
    expect(lagOf(committed, ends, 'from-start')).toEqual([{ topic: 'stock.movements', lag: 10 + 50 + 7, uncommittedPartitions: 0 }]);
    const empty = new Map([['t', [{ partition: 0, high: 5, low: 5 }]]]);
    expect(lagOf(new Map([['t', new Map()]]), empty)).toEqual([{ topic: 't', lag: 0, uncommittedPartitions: 0 }]);
  });

  it('places a group in the flow by what it reads', () => {
    expect(stageOf(['erp.ERPADM.STKJRNL'], 'kafka')).toBe('normalise');
    expect(stageOf(['stock.movements'], 'kafka')).toBe('channel');
    expect(stageOf(['stock.movements'], 'postgresql')).toBe('reconcile');
  });
});
