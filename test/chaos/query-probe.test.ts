import { summarizeWindow, type QuerySample } from '../../scripts/chaos/query-probe';

describe('query probe', () => {
  it('summarises a window: share answered, percentiles over every sample, failures by reason', () => {
    const samples: QuerySample[] = [
      ...Array.from({ length: 997 }, (_, i) => ({ sentAt: 1_000 + i, latencyMs: 5, ok: true })),
      { sentAt: 2_000, latencyMs: 2_000, ok: false, failure: 'timeout' },
      { sentAt: 2_001, latencyMs: 1, ok: false, failure: 'HTTP 503' },
      { sentAt: 2_002, latencyMs: 1, ok: false, failure: 'HTTP 503' },
    ];
    const w = summarizeWindow(samples);
    expect(w.sent).toBe(1_000);
    expect(w.okPercent).toBeCloseTo(99.7);
    expect(w.p50Ms).toBe(5);
    expect(w.maxMs).toBe(2_000);
    expect(w.failures).toEqual([
      ['HTTP 503', 2],
      ['timeout', 1],
    ]);
    expect(w.lastFailureAt).toBe(2_002);
  });

  it('counts an empty window as fully answered', () => {
    expect(summarizeWindow([]).okPercent).toBe(100);
  });
});
