import type { ThrottleStatus } from '../../../core/shopify';

/**
 * Keeps the channel inside Shopify's calculated-cost bucket. Every answer carries the bucket's
 * state; between answers the bucket refills at restoreRate, so the pacer can tell how long to
 * wait before a call of a given cost leaves `reserve` points in it. THROTTLED should then be
 * rare; when it happens anyway (other apps share the bucket), `penalize` trusts Shopify's state.
 */
export class Pacer {
  private status: ThrottleStatus | null = null;
  private at = 0;
  /** Points reserved by calls not answered yet: an answer's status does not count them. */
  private inFlight = 0;

  constructor(
    /** Points left in the bucket for other callers. */
    private readonly reserve: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** An answer's bucket state, less what the calls still in flight will cost. */
  update(status: ThrottleStatus): void {
    this.status = { ...status, currentlyAvailable: status.currentlyAvailable - this.inFlight };
    this.at = this.now();
  }

  /** The bucket's state as last reported, refilled to now; null before the first answer. */
  estimate(): ThrottleStatus | null {
    if (!this.status) return null;
    const refilled = this.status.currentlyAvailable + ((this.now() - this.at) / 1000) * this.status.restoreRate;
    return { ...this.status, currentlyAvailable: Math.min(this.status.maximumAvailable, refilled) };
  }

  /** Milliseconds to wait before a call of `cost` points; it is charged as if made now. */
  reserveFor(cost: number): number {
    const estimate = this.estimate();
    if (!estimate) return 0;
    const need = Math.min(estimate.maximumAvailable, cost + this.reserve);
    const waitMs = estimate.currentlyAvailable >= need ? 0 : Math.ceil(((need - estimate.currentlyAvailable) / estimate.restoreRate) * 1000);
    this.status = { ...estimate, currentlyAvailable: estimate.currentlyAvailable + (waitMs / 1000) * estimate.restoreRate - cost };
    this.at = this.now() + waitMs;
    this.inFlight += cost;
    return waitMs;
  }

  /** The call reserved with `cost` has been answered or has failed; call before `update`. */
  settle(cost: number): void {
    this.inFlight = Math.max(0, this.inFlight - cost);
  }

  /** Shopify said THROTTLED: its state replaces the estimate. */
  penalize(status: ThrottleStatus | null): void {
    if (status) this.update(status);
  }
}
