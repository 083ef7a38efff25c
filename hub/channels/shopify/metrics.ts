import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../../../core/metrics';

export const CIRCUIT_STATE_VALUE = { closed: 0, open: 1, 'half-open': 2 } as const;

/** The Shopify channel's Prometheus metrics (the dashboard and config/grafana read these names). */
export function createChannelMetrics(metrics: Metrics) {
  const registers = [metrics.registry];
  return {
    calls: new Counter({ name: 'stockhub_shopify_calls_total', help: 'Admin API calls by operation and outcome', labelNames: ['operation', 'outcome'] as const, registers }),
    throttled: new Counter({ name: 'stockhub_shopify_throttled_total', help: 'Calls Shopify answered THROTTLED', registers }),
    quantitiesPushed: new Counter({ name: 'stockhub_shopify_quantities_pushed_total', help: 'Quantities set in Shopify', registers }),
    conflicts: new Counter({ name: 'stockhub_shopify_cas_conflicts_total', help: 'Quantities whose compare-and-set lost (Shopify changed meanwhile)', registers }),
    rejected: new Counter({ name: 'stockhub_shopify_rejected_total', help: 'Quantities Shopify refused for good, by code', labelNames: ['code'] as const, registers }),
    refused: new Counter({
      name: 'stockhub_shopify_row_refusals_total',
      help: 'Attempts of a row Shopify refused for a reason the channel does not know, by what followed: waiting (backoff) or parked',
      labelNames: ['outcome'] as const,
      registers,
    }),
    parked: new Gauge({ name: 'stockhub_shopify_parked', help: 'Levels parked after too many refused attempts: not pushed until retried (stockhub-shopify-parked) or changed', registers }),
    shadow: new Counter({ name: 'stockhub_shopify_shadow_writes_total', help: 'Quantities shadow mode would have set', registers }),
    readBackOrders: new Counter({ name: 'stockhub_shopify_readback_orders_total', help: 'Orders read back from Shopify into raw.shopify.webhooks', registers }),
    throttleAvailable: new Gauge({ name: 'stockhub_shopify_throttle_available', help: 'Points in Shopify’s cost bucket at the last answer', registers }),
    throttleMaximum: new Gauge({ name: 'stockhub_shopify_throttle_maximum', help: 'Size of Shopify’s cost bucket', registers }),
    circuit: new Gauge({ name: 'stockhub_shopify_circuit_state', help: 'Circuit to Shopify: 0 closed, 1 open, 2 half-open', registers }),
    leader: new Gauge({ name: 'stockhub_shopify_leader', help: "1 while this instance is the shop's one pusher (it holds the leader lock), 0 while it stands by", registers }),
    queue: new Gauge({ name: 'stockhub_shopify_push_queue', help: 'Levels waiting to be pushed to Shopify', registers }),
    queueAge: new Gauge({ name: 'stockhub_shopify_push_queue_oldest_seconds', help: 'Age of the oldest level waiting to be pushed', registers }),
    latency: new Histogram({
      name: 'stockhub_e2e_latency_seconds',
      help: "From the hub's level change to the channel's acknowledgement",
      labelNames: ['channel'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    }),
  };
}
export type ChannelMetrics = ReturnType<typeof createChannelMetrics>;
