/**
 * When a supervised service that exited is started again: exponential backoff (1 s doubling to
 * 30 s by default), so that a service that crashes at once on start-up (its database down) does
 * not spin, and a reset once it has run healthy for a while, so that one crash a day is retried
 * after a second rather than after the delay its first crash of last week earned. Pure: the
 * supervisor (scripts/run-services.ts) keeps the state and the clock.
 */
import { backoffDelay } from '../core/retry';

export interface RestartPolicy {
  /** Delay before the first restart after a healthy run, in ms. */
  initialMs: number;
  /** Longest delay, in ms. */
  maxMs: number;
  /** A run at least this long (since the service answered /health) forgets the earlier crashes, in ms. */
  healthyResetMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialMs: 1_000, maxMs: 30_000, healthyResetMs: 60_000 };

/** Consecutive exits without a healthy run of healthyResetMs between them. */
export interface RestartState {
  crashes: number;
}

export const FRESH: RestartState = { crashes: 0 };

export interface RestartDecision {
  delayMs: number;
  state: RestartState;
}

/**
 * The delay before the next start, given how long the run that just ended was healthy (0 when it
 * never answered /health), and the state to keep for the exit after that.
 */
export function nextRestart(policy: RestartPolicy, state: RestartState, healthyForMs: number): RestartDecision {
  const crashes = healthyForMs >= policy.healthyResetMs ? 0 : state.crashes;
  const delayMs = backoffDelay(crashes + 1, { initialMs: policy.initialMs, maxMs: policy.maxMs, factor: 2 });
  return { delayMs, state: { crashes: crashes + 1 } };
}
