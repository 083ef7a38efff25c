import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per service, with the process defaults and the pipeline's shared
 * metrics. Components add their own to `registry`.
 */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    movementsOut: new Counter({
      name: 'stockhub_movements_published_total',
      help: 'Canonical movements published to stock.movements, by source system',
      labelNames: ['system'] as const,
      registers: [registry],
    }),
    recordsIn: new Counter({
      name: 'stockhub_records_consumed_total',
      help: 'Raw records consumed, by topic and outcome (mapped, skipped, dead_lettered, tombstone)',
      labelNames: ['topic', 'outcome'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'stockhub_dead_letters_total',
      help: 'Records sent to stock.movements.dlq, by stage',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
    sourceToPublishSeconds: new Histogram({
      name: 'stockhub_source_to_canonical_seconds',
      help: 'From the change at its source (commit or post time) to its canonical event being published',
      labelNames: ['system'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    consumerDeadLetters: new Counter({
      name: 'stockhub_consumer_dead_letters_total',
      help: "Records a consumer sent to its stage's dead-letter topic, by consumer and stage (decode, validate, apply)",
      labelNames: ['consumer', 'stage'] as const,
      registers: [registry],
    }),
    consumerRetries: new Counter({
      name: 'stockhub_consumer_retries_total',
      help: 'Batches a consumer retried after a failure that was not the records\' fault (a dependency down or slow)',
      labelNames: ['consumer'] as const,
      registers: [registry],
    }),
    consumerRestarts: new Counter({
      name: 'stockhub_consumer_restarts_total',
      help: 'Times a crashed consumer was restarted',
      labelNames: ['consumer'] as const,
      registers: [registry],
    }),
    consumerBlocked: new Gauge({
      name: 'stockhub_consumer_blocked',
      help: '1 while a consumer is retrying a batch because a dependency fails',
      labelNames: ['consumer'] as const,
      registers: [registry],
    }),
    up: new Gauge({ name: 'stockhub_component_up', help: '1 while a component runs', labelNames: ['component'] as const, registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
