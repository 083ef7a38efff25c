/**
 * The availability test's query probe: stock queries at a fixed rate through the load balancer's
 * API port for the whole run, as the stores and the web would send them, each recorded with when
 * it was sent, how long it took and whether it was answered. A fault's share of answered queries
 * and its latency come from the samples sent in that fault's window (`window()`).
 *
 * Answered means HTTP 200 with a body naming the SKU asked for, within the timeout: a 503 from the
 * load balancer, a reset connection or a timeout all count against availability.
 */
import { StockHubError } from '../../core/errors';
import { summarize } from '../bench/support/cli';

export interface QuerySample {
  sentAt: number;
  /** ms until the answer (or the failure). */
  latencyMs: number;
  ok: boolean;
  /** Why it failed: the status, the network error, or the timeout. */
  failure?: string;
}

export interface ProbeWindow {
  sent: number;
  ok: number;
  /** Percent answered, 100 for an empty window. */
  okPercent: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The failure reasons seen, most frequent first, with their counts. */
  failures: Array<[string, number]>;
  /** The last failed query's send time, or null when none failed. */
  lastFailureAt: number | null;
}

export interface QueryProbeOptions {
  /** Base URL of the API through the load balancer. */
  url: string;
  token: string;
  /** Queries per second. */
  rate: number;
  /** A query not answered within this is failed, in ms. */
  timeoutMs: number;
  /** Queries in flight at most: beyond it a query is recorded as failed rather than queued, so that a stall shows. */
  maxInFlight: number;
  /** Share of the queries that ask for several SKUs (POST /v1/stock/query) instead of one. */
  batchShare: number;
}

export const DEFAULT_PROBE: Omit<QueryProbeOptions, 'url'> = { token: 'dev-token-api-ops', rate: 50, timeoutMs: 2_000, maxInFlight: 100, batchShare: 0.2 };

/** The window's samples summarised; percentiles over every sample, failed ones with the time they took to fail. */
export function summarizeWindow(samples: readonly QuerySample[]): ProbeWindow {
  const ok = samples.filter((s) => s.ok).length;
  const reasons = new Map<string, number>();
  let lastFailureAt: number | null = null;
  for (const s of samples) {
    if (s.ok) continue;
    reasons.set(s.failure ?? 'unknown', (reasons.get(s.failure ?? 'unknown') ?? 0) + 1);
    lastFailureAt = Math.max(lastFailureAt ?? 0, s.sentAt);
  }
  const latency = summarize(samples.map((s) => s.latencyMs));
  return {
    sent: samples.length,
    ok,
    okPercent: samples.length === 0 ? 100 : (100 * ok) / samples.length,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
    failures: [...reasons.entries()].sort((a, b) => b[1] - a[1]),
    lastFailureAt,
  };
}

/** A failure's reason without what differs between calls (SKUs, ports), so that like failures group together. */
function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause !== null && 'code' in cause ? String(cause.code) : '';
  return code !== '' ? code : error instanceof Error ? error.message : String(error);
}

export class QueryProbe {
  private readonly samples: QuerySample[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private skus: readonly string[] = [];
  private next = 0;
  private notSent = 0;

  constructor(private readonly options: QueryProbeOptions) {
    if (options.rate <= 0) throw new StockHubError('query probe: the rate must be positive');
  }

  get rate(): number {
    return this.options.rate;
  }

  /** The SKUs asked for from now on (the running scenario's: queries for levels that are changing). */
  useSkus(skus: readonly string[]): void {
    this.skus = skus;
  }

  /**
   * Sends `rate` queries a second on a fixed schedule until stop(). When the probe's own process
   * was held up (a starved 2-core machine), the queries it could not send then are not sent in a
   * burst afterwards, which would fail on its own in-flight limit: they are counted as not sent.
   */
  start(): void {
    if (this.timer !== null) return;
    const started = Date.now();
    let sent = 0;
    const catchUp = Math.max(1, Math.ceil(this.options.rate / 10));
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) / 1000) * this.options.rate);
      if (due - sent > catchUp) {
        this.notSent += due - sent - catchUp;
        sent = due - catchUp;
      }
      for (; sent < due; sent++) this.one();
    }, 10);
  }

  /** Queries the schedule asked for that the probe's own process was too late to send. */
  get skipped(): number {
    return this.notSent;
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.inFlight]);
  }

  /** Samples sent in [from, to). */
  window(from: number, to: number): ProbeWindow {
    return summarizeWindow(this.samples.filter((s) => s.sentAt >= from && s.sentAt < to));
  }

  /** One line for the progress: the last 10 s. */
  status(): string {
    const w = this.window(Date.now() - 10_000, Date.now());
    return `queries (last 10 s): ${w.ok}/${w.sent} answered, p50 ${w.p50Ms.toFixed(0)} ms, p99 ${w.p99Ms.toFixed(0)} ms${w.failures.length > 0 ? `; ${w.failures.map(([r, n]) => `${r} x${n}`).join(', ')}` : ''}`;
  }

  private one(): void {
    const sentAt = Date.now();
    if (this.skus.length === 0) return;
    if (this.inFlight.size >= this.options.maxInFlight) {
      this.samples.push({ sentAt, latencyMs: 0, ok: false, failure: `${this.options.maxInFlight} queries already in flight` });
      return;
    }
    const query = this.query(sentAt).finally(() => this.inFlight.delete(query));
    this.inFlight.add(query);
  }

  private async query(sentAt: number): Promise<void> {
    const n = this.next++;
    const batch = (n * 7919) % 100 < this.options.batchShare * 100;
    const pick = (k: number): string => this.skus[(n + k * 13) % this.skus.length]!;
    const skus = batch ? Array.from({ length: Math.min(10, this.skus.length) }, (_, k) => pick(k)) : [pick(0)];
    const headers = { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' };
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = batch
        ? await fetch(`${this.options.url}/v1/stock/query`, { method: 'POST', headers, body: JSON.stringify({ skus }), signal })
        : await fetch(`${this.options.url}/v1/stock/${encodeURIComponent(skus[0]!)}`, { headers, signal });
      const text = await response.text();
      const latencyMs = Date.now() - sentAt;
      if (response.status !== 200) {
        this.samples.push({ sentAt, latencyMs, ok: false, failure: `HTTP ${response.status}` });
        return;
      }
      const body = JSON.parse(text) as { sku?: string; results?: Array<{ sku: string }> };
      const answered = batch ? body.results?.map((r) => r.sku) : [body.sku];
      const complete = answered !== undefined && answered.length === skus.length && answered.every((sku, k) => sku === skus[k]);
      this.samples.push({ sentAt, latencyMs, ok: complete, ...(!complete && { failure: 'answer names other SKUs' }) });
    } catch (error) {
      this.samples.push({ sentAt, latencyMs: Date.now() - sentAt, ok: false, failure: reasonOf(error) });
    }
  }
}
