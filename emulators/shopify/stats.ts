import { Counter, type Registry } from 'prom-client';

/** How an Admin call ended, as counted on /metrics. */
export type RequestOutcome = 'ok' | 'throttled' | 'max_cost' | 'offline' | 'unauthorized' | 'not_found' | 'invalid' | 'bad_request';

/**
 * What the emulator saw, for tests and the benchmark (GET /_emulator/stats, resettable) and,
 * as monotonic counters, for Prometheus.
 */
export class EmulatorStats {
  requests = 0;
  byOperation: Record<string, number> = {};
  mutations = 0;
  quantitiesSet = 0;
  throttled = 0;
  offlineRejected = 0;
  userErrors: Record<string, number> = {};
  idempotentReplays = 0;

  private readonly requestCounter: Counter<'outcome'>;
  private readonly quantitiesCounter: Counter;
  private readonly webhookCounter: Counter<'topic' | 'outcome'>;

  constructor(registry: Registry) {
    this.requestCounter = new Counter({
      name: 'shopify_emulator_requests_total',
      help: 'Admin GraphQL calls, by outcome (ok, throttled, max_cost, offline, unauthorized, not_found, invalid, bad_request)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    this.quantitiesCounter = new Counter({ name: 'shopify_emulator_quantities_set_total', help: 'Quantities applied by inventorySetQuantities', registers: [registry] });
    this.webhookCounter = new Counter({
      name: 'shopify_emulator_webhooks_total',
      help: 'Webhooks, by topic and outcome (sent, failed after retries, dropped)',
      labelNames: ['topic', 'outcome'] as const,
      registers: [registry],
    });
  }

  request(outcome: RequestOutcome, operation?: string): void {
    this.requests++;
    if (operation) this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
    if (outcome === 'throttled') this.throttled++;
    if (outcome === 'offline') this.offlineRejected++;
    this.requestCounter.inc({ outcome });
  }

  userError(code: string): void {
    this.userErrors[code] = (this.userErrors[code] ?? 0) + 1;
  }

  applied(quantities: number): void {
    this.quantitiesSet += quantities;
    this.quantitiesCounter.inc(quantities);
  }

  webhook(topic: string, outcome: string): void {
    this.webhookCounter.inc({ topic, outcome });
  }

  snapshot() {
    return {
      requests: this.requests,
      byOperation: { ...this.byOperation },
      mutations: this.mutations,
      quantitiesSet: this.quantitiesSet,
      throttled: this.throttled,
      offlineRejected: this.offlineRejected,
      userErrors: { ...this.userErrors },
      idempotentReplays: this.idempotentReplays,
    };
  }

  reset(): void {
    this.requests = 0;
    this.byOperation = {};
    this.mutations = 0;
    this.quantitiesSet = 0;
    this.throttled = 0;
    this.offlineRejected = 0;
    this.userErrors = {};
    this.idempotentReplays = 0;
  }
}
