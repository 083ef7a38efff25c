import { Gauge, type Registry } from 'prom-client';
import type { FlowSummary } from './flow';

/**
 * What Grafana needs from the flow and no service exports on its own: consumer lag (the
 * reconciler's lives in PostgreSQL, where no Kafka exporter looks), the DLQ's size, each
 * system's silence and the connectors' state. Filled at scrape time from the shared summary, so
 * a scrape costs what a dashboard refresh does, and nothing runs while nobody asks.
 */
export function registerFlowMetrics(registry: Registry, flow: () => Promise<FlowSummary>): void {
  // One summary per scrape, whichever gauge's collect() asks first.
  let scrape: Promise<FlowSummary | null> | null = null;
  const summary = (): Promise<FlowSummary | null> => {
    if (scrape === null) {
      scrape = flow().catch(() => null);
      void scrape.finally(() => setImmediate(() => (scrape = null)));
    }
    return scrape;
  };
  const registers = [registry];

  new Gauge({
    name: 'stockhub_consumer_lag_messages',
    help: 'Records a consumer group has still to read, by group and topic (the reconciler: from its offsets in PostgreSQL)',
    labelNames: ['group', 'topic'] as const,
    registers,
    async collect() {
      this.reset();
      const s = await summary();
      if (s?.consumerGroups.status !== 'ok') return;
      for (const group of s.consumerGroups.data) {
        for (const topic of group.topics) if (topic.lag !== null) this.set({ group: group.group, topic: topic.topic }, topic.lag);
      }
    },
  });
  new Gauge({
    name: 'stockhub_dlq_messages',
    help: "Dead letters retained in each stage's dead-letter topic (end offset minus start offset)",
    // A label, so that the series can be absent while Kafka does not answer: an unlabelled gauge
    // would read 0, "no dead letters", which nobody knows then.
    labelNames: ['topic'] as const,
    registers,
    async collect() {
      this.reset();
      const s = await summary();
      if (s?.dlq.status === 'ok') for (const { topic, messages } of s.dlq.data.topics) this.set({ topic }, messages);
    },
  });
  new Gauge({
    name: 'stockhub_source_last_event_age_seconds',
    help: 'Seconds since the hub applied the last movement from each source system',
    labelNames: ['system'] as const,
    registers,
    async collect() {
      this.reset();
      const s = await summary();
      if (s?.systems.status !== 'ok') return;
      for (const system of s.systems.data) if (system.lastEvent !== null) this.set({ system: system.system }, system.lastEvent.ageSeconds);
    },
  });
  new Gauge({
    name: 'stockhub_connector_running',
    help: 'Kafka Connect connectors: 1 when the connector and all its tasks are RUNNING',
    labelNames: ['connector'] as const,
    registers,
    async collect() {
      this.reset();
      const s = await summary();
      if (s?.connectors.status !== 'ok') return;
      for (const c of s.connectors.data) this.set({ connector: c.name }, c.state === 'RUNNING' && c.tasks.every((t) => t.state === 'RUNNING') ? 1 : 0);
    },
  });
}
