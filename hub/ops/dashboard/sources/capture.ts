import { parsePrometheusText, type Sample } from '../prom-text';

/** Debezium's own view of one connector's capture (config/jmx/connect.yml), by its topic prefix. */
export interface CaptureMetrics {
  /** How far the newest captured change is behind its commit in the source, in ms; null before the first change. */
  behindSourceMs: number | null;
  /** Free and total places in the queue between the log reader and Connect. */
  queueRemaining: number | null;
  queueTotal: number | null;
  /** Whether the connector is connected to its database. */
  connected: boolean | null;
}

/** The streaming metrics in one worker's exposition, per `server` (topic prefix). */
export function captureMetricsOf(samples: readonly Sample[]): Map<string, CaptureMetrics> {
  const byServer = new Map<string, CaptureMetrics>();
  const of = (server: string): CaptureMetrics => {
    let metrics = byServer.get(server);
    if (metrics === undefined) byServer.set(server, (metrics = { behindSourceMs: null, queueRemaining: null, queueTotal: null, connected: null }));
    return metrics;
  };
  for (const sample of samples) {
    const server = sample.labels.server;
    if (server === undefined || !sample.name.startsWith('debezium_streaming_')) continue;
    const metrics = of(server);
    // Debezium reports -1 (or 0 before streaming starts) while nothing has been captured yet.
    if (sample.name === 'debezium_streaming_millisecondsbehindsource') metrics.behindSourceMs = sample.value >= 0 ? sample.value : null;
    else if (sample.name === 'debezium_streaming_queueremainingcapacity') metrics.queueRemaining = sample.value;
    else if (sample.name === 'debezium_streaming_queuetotalcapacity') metrics.queueTotal = sample.value;
    else if (sample.name === 'debezium_streaming_connected') metrics.connected = sample.value === 1;
  }
  return byServer;
}

/**
 * Every worker's capture metrics: each exports the connectors whose tasks it runs, so together
 * they cover the cluster. A worker that does not answer (dead, or restarting) is skipped; none
 * answering is an error.
 */
export async function readCapture(metricsUrls: readonly string[], signal?: AbortSignal): Promise<Map<string, CaptureMetrics>> {
  const answers = await Promise.allSettled(
    metricsUrls.map(async (url) => {
      const response = await fetch(url, { signal: signal ?? null });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return captureMetricsOf(parsePrometheusText(await response.text()));
    }),
  );
  const read = answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
  if (read.length === 0) {
    const reasons = answers.map((answer) => (answer.status === 'rejected' ? String(answer.reason instanceof Error ? answer.reason.message : answer.reason) : ''));
    throw new Error(`no Connect worker's metrics answered (${reasons.join('; ')})`);
  }
  return new Map(read.flatMap((metrics) => [...metrics]));
}
