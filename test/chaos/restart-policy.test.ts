import { DEFAULT_RESTART_POLICY, FRESH, nextRestart, type RestartState } from '../../scripts/restart-policy';

describe('restart policy', () => {
  const policy = DEFAULT_RESTART_POLICY;

  it('waits 1 s after a first crash, doubling on each crash that follows quickly, up to 30 s', () => {
    let state: RestartState = FRESH;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const decision = nextRestart(policy, state, 500);
      delays.push(decision.delayMs);
      state = decision.state;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('forgets earlier crashes once a run stayed healthy for the reset period', () => {
    let state: RestartState = FRESH;
    for (let i = 0; i < 5; i++) state = nextRestart(policy, state, 0).state;
    expect(nextRestart(policy, state, policy.healthyResetMs - 1).delayMs).toBe(30_000);
    expect(nextRestart(policy, state, policy.healthyResetMs).delayMs).toBe(1_000);
    expect(nextRestart(policy, state, policy.healthyResetMs).state).toEqual({ crashes: 1 });
  });

  it('stays finite after very many crashes', () => {
    expect(nextRestart(policy, { crashes: 10_000 }, 0).delayMs).toBe(30_000);
  });

  it('follows its settings', () => {
    const fast = { initialMs: 100, maxMs: 250, healthyResetMs: 1_000 };
    expect([0, 1, 2].map((crashes) => nextRestart(fast, { crashes }, 0).delayMs)).toEqual([100, 200, 250]);
  });
});
