/** Shopify's extensions.cost.throttleStatus. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/**
 * The calculated-cost leaky bucket: it starts full, refills at restoreRate points per second up
 * to maximumAvailable, and a query runs only if the bucket holds at least its cost.
 */
export class LeakyBucket {
  private available: number;
  private refilledAt: number;

  constructor(
    private restoreRate: number,
    private maximumAvailable: number,
    private readonly now: () => number = Date.now,
  ) {
    this.available = maximumAvailable;
    this.refilledAt = now();
  }

  private refill(): void {
    const now = this.now();
    this.available = Math.min(this.maximumAvailable, this.available + ((now - this.refilledAt) / 1000) * this.restoreRate);
    this.refilledAt = now;
  }

  /** Takes `cost` points if the bucket holds them; the status is after taking (or not). */
  take(cost: number): { ok: boolean; status: ThrottleStatus } {
    this.refill();
    const ok = cost <= this.available;
    if (ok) this.available -= cost;
    return { ok, status: this.status(false) };
  }

  status(refill = true): ThrottleStatus {
    if (refill) this.refill();
    // Shopify reports whole points.
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }

  /** A new plan: the bucket keeps what it holds, capped at the new size. */
  reconfigure(restoreRate: number, maximumAvailable: number): void {
    this.refill();
    this.restoreRate = restoreRate;
    this.maximumAvailable = maximumAvailable;
    this.available = Math.min(this.available, maximumAvailable);
  }

  /** Back to full (stats reset, tests). */
  fill(): void {
    this.available = this.maximumAvailable;
    this.refilledAt = this.now();
  }
}
