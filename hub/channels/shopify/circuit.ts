export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitOptions {
  /** Consecutive failures that open the circuit. */
  failures: number;
  /** First open period in ms, doubled after each failed probe. */
  openMs: number;
  /** Longest open period in ms. */
  maxOpenMs: number;
}

/**
 * Stops the channel from hammering a Shopify that is down. Closed: calls go through, failures are
 * counted. Open: no call until the open period ends. Half-open: one probe decides. `outageSince`
 * is the first failure of the streak: what has to be read back once Shopify answers again.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private streak = 0;
  private openFor: number;
  private openedAt = 0;
  private firstFailureAt: number | null = null;

  constructor(
    private readonly options: CircuitOptions,
    private readonly onChange: (state: CircuitState) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.openFor = options.openMs;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() >= this.openedAt + this.openFor) this.transition('half-open');
    return this.current;
  }

  get outageSince(): number | null {
    return this.firstFailureAt;
  }

  /** Milliseconds until a probe may be made; 0 unless open. */
  waitMs(): number {
    return this.state === 'open' ? this.openedAt + this.openFor - this.now() : 0;
  }

  /** A call failed for a reason on Shopify's side (no answer, 5xx). */
  failure(): void {
    this.firstFailureAt ??= this.now();
    this.streak += 1;
    const state = this.state;
    if (state === 'half-open') {
      this.openFor = Math.min(this.options.maxOpenMs, this.openFor * 2);
      this.open();
    } else if (state === 'closed' && this.streak >= this.options.failures) {
      this.open();
    }
  }

  /** A call succeeded. Returns the outage start when this closes a circuit that was open. */
  success(): number | null {
    const recoveredFrom = this.current === 'closed' ? null : this.firstFailureAt;
    this.streak = 0;
    this.firstFailureAt = null;
    this.openFor = this.options.openMs;
    if (this.current !== 'closed') this.transition('closed');
    return recoveredFrom;
  }

  private open(): void {
    this.openedAt = this.now();
    this.transition('open');
  }

  private transition(state: CircuitState): void {
    if (this.current === state) return;
    this.current = state;
    this.onChange(state);
  }
}
