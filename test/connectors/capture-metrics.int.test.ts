/**
 * Debezium's own metrics from the live Connect worker, through the Prometheus JMX exporter
 * (config/jmx/connect.yml, loaded by scripts/stack): the capture lag of each connector, its queue,
 * and Connect's task states, on the names the alert rules (config/prometheus/alerts.yml) and the
 * dashboard's capture column (hub/ops/dashboard/sources/capture.ts) read.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../../core/config';
import { dashboardConfigSchema } from '../../hub/ops/dashboard/config';
import { parsePrometheusText, sampleValue } from '../../hub/ops/dashboard/prom-text';
import { readCapture } from '../../hub/ops/dashboard/sources/capture';
import { stack } from '../support/kafka';
import { eventually } from '../support/wait';

const metricsUrls = loadConfig(dashboardConfigSchema).CONNECT_METRICS_URLS;
const scrape = async () => parsePrometheusText(await (await fetch(metricsUrls[0]!)).text());

describe("the Connect worker's JMX exporter", () => {
  it('exports each connector’s state and its running task', async () => {
    const samples = await scrape();
    for (const connector of ['erp-stock-cdc', 'wms-stock-cdc']) {
      expect(sampleValue(samples, 'kafka_connect_connector_status', { connector, status: 'running' })).toBe(1);
      expect(sampleValue(samples, 'kafka_connect_connector_tasks', { connector, state: 'running' })).toBe(1);
      expect(sampleValue(samples, 'kafka_connect_connector_tasks', { connector, state: 'failed' })).toBe(0);
    }
  });

  it('exports the ERP connector’s lag behind its source once a change is captured, and its queue', async () => {
    const erp = new Client({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD });
    await erp.connect();
    const seenBefore = sampleValue(await scrape(), 'debezium_streaming_totalnumberofeventsseen', { server: 'erp' }) ?? 0;
    try {
      await erp.query(`INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "USRID", "RMK") VALUES ('10000007', 'S002', 'ADJ', 1, $1, 'JSMITH', 'capture metrics test')`, [
        `CM${randomUUID().slice(0, 12).toUpperCase()}`,
      ]);
    } finally {
      await erp.end();
    }
    const samples = await eventually('the change counted by Debezium', async () => {
      const now = await scrape();
      return (sampleValue(now, 'debezium_streaming_totalnumberofeventsseen', { server: 'erp' }) ?? 0) > seenBefore ? now : undefined;
    });
    const lag = sampleValue(samples, 'debezium_streaming_millisecondsbehindsource', { server: 'erp' });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60_000);
    expect(sampleValue(samples, 'debezium_streaming_queuetotalcapacity', { server: 'erp' })).toBe(16_384);
    expect(sampleValue(samples, 'debezium_streaming_connected', { server: 'erp' })).toBe(1);

    const capture = await readCapture(metricsUrls);
    expect(capture.get('erp')).toMatchObject({ queueTotal: 16_384, connected: true });
    expect(capture.get('erp')?.behindSourceMs).toBeGreaterThanOrEqual(0);
    expect(capture.has('wms')).toBe(true);
  });
});
