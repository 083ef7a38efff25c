import { isRetriable, StockHubError } from '../../../core/errors';
import type { Logger } from '../../../core/logging';
import { ShopifyThrottledError, type AdminRequest, type AdminResult } from '../../../core/shopify';
import type { CircuitBreaker } from './circuit';
import type { ChannelMetrics } from './metrics';
import type { Pacer } from './pacer';

/** The circuit is open: no call is made until `waitMs` has passed. */
export class CircuitOpenError extends StockHubError {
  constructor(readonly waitMs: number) {
    super(`circuit to Shopify is open for ${waitMs} ms more`, { retriable: true });
  }
}

/** THROTTLED answers retried in a row before the call is given up (the pacer makes this rare). */
const THROTTLE_RETRIES = 5;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every Admin call of the channel goes through here: paced by the cost bucket, retried when
 * throttled, refused while the circuit is open, and counted. `onRecovered` runs once Shopify
 * answers again after an outage, with the time the outage began.
 */
export class ShopifyCaller {
  onRecovered: (outageSince: number) => void = () => undefined;

  constructor(
    private readonly request: AdminRequest,
    private readonly pacer: Pacer,
    private readonly circuit: CircuitBreaker,
    private readonly metrics: ChannelMetrics,
    private readonly logger: Logger,
  ) {}

  /** False while the circuit is open or probing: then one call at a time. */
  get circuitClosed(): boolean {
    return this.circuit.state === 'closed';
  }

  /** `cost` is the call's expected cost in points, for pacing before the answer says the truth. */
  async call<T>(operation: string, document: string, variables: Record<string, unknown> | undefined, cost: number): Promise<AdminResult<T>> {
    for (let attempt = 0; ; attempt++) {
      if (this.circuit.state === 'open') throw new CircuitOpenError(this.circuit.waitMs());
      const waitMs = this.pacer.reserveFor(cost);
      if (waitMs > 0) await sleep(waitMs);
      try {
        const result = await this.request<T>(document, variables).finally(() => this.pacer.settle(cost));
        this.metrics.calls.inc({ operation, outcome: 'ok' });
        if (result.cost) {
          this.pacer.update(result.cost.throttleStatus);
          this.metrics.throttleAvailable.set(result.cost.throttleStatus.currentlyAvailable);
          this.metrics.throttleMaximum.set(result.cost.throttleStatus.maximumAvailable);
        }
        const outageSince = this.circuit.success();
        if (outageSince !== null) {
          this.logger.info({ outageSeconds: Math.round((Date.now() - outageSince) / 1000) }, 'Shopify answers again; circuit closed');
          this.onRecovered(outageSince);
        }
        return result;
      } catch (error) {
        if (error instanceof ShopifyThrottledError) {
          this.metrics.calls.inc({ operation, outcome: 'throttled' });
          this.metrics.throttled.inc();
          this.pacer.penalize(error.cost?.throttleStatus ?? null);
          if (attempt >= THROTTLE_RETRIES) throw error;
          this.logger.warn({ operation, waitMs: error.waitMs }, 'throttled by Shopify; waiting for the bucket');
          await sleep(error.waitMs);
          continue;
        }
        this.metrics.calls.inc({ operation, outcome: 'error' });
        if (isRetriable(error)) this.circuit.failure();
        throw error;
      }
    }
  }
}
