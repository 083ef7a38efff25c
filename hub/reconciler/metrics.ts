import { Counter, Histogram } from 'prom-client';
import type { Metrics } from '../../core/metrics';

export function createReconcilerMetrics(metrics: Metrics) {
  const registers = [metrics.registry];
  return {
    /** The service's registry and shared metrics, for the consumer runtime. */
    service: metrics,
    applied: new Counter({ name: 'stockhub_reconciler_events_total', help: 'Canonical events written to the ledger, by effect (applied, stale) and type', labelNames: ['effect', 'type'] as const, registers }),
    negative: new Counter({ name: 'stockhub_oversell_flags_total', help: 'Decrements that left on-hand below zero (physical sales are facts; flagged, never refused)', registers }),
    invalid: new Counter({ name: 'stockhub_reconciler_invalid_total', help: 'Records on the movements topic the reconciler could never apply (not JSON, invalid): sent to stock.reconciler.dlq', registers }),
    ingestToApplied: new Histogram({ name: 'stockhub_ingest_to_applied_seconds', help: 'From ingestedAt to the ledger commit', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 60], registers }),
    batchSeconds: new Histogram({ name: 'stockhub_reconciler_batch_seconds', help: 'Time to apply one batch in PostgreSQL', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers }),
  };
}
export type ReconcilerMetrics = ReturnType<typeof createReconcilerMetrics>;
