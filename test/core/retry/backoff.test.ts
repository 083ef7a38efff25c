import { backoffDelay } from '../../../core/retry';

describe('backoffDelay', () => {
  it('doubles from the first delay up to the longest', () => {
    const options = { initialMs: 100, maxMs: 1_000, factor: 2 };
    expect([1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, options))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});
