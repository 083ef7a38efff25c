import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureMetricsOf, readCapture } from '../../../../hub/ops/dashboard/sources/capture';
import { parsePrometheusText } from '../../../../hub/ops/dashboard/prom-text';

/** What a worker's JMX exporter says with config/jmx/connect.yml, trimmed. */
const WORKER_1 = `# HELP debezium_streaming_millisecondsbehindsource MilliSecondsBehindSource
# TYPE debezium_streaming_millisecondsbehindsource untyped
debezium_streaming_millisecondsbehindsource{plugin="postgres",server="erp",} 1250.0
debezium_streaming_queueremainingcapacity{plugin="postgres",server="erp",} 16000.0
debezium_streaming_queuetotalcapacity{plugin="postgres",server="erp",} 16384.0
debezium_streaming_connected{plugin="postgres",server="erp",} 1.0
debezium_snapshot_remainingtablecount{plugin="postgres",server="erp",} 0.0
kafka_connect_connector_tasks{connector="erp-stock-cdc",state="running",} 1.0
`;
const WORKER_2 = `debezium_streaming_millisecondsbehindsource{plugin="mariadb",server="wms",} -1.0
debezium_streaming_connected{plugin="mariadb",server="wms",} 0.0
`;

describe('the capture source', () => {
  it('reads each topic prefix’s lag, queue and connection from the exporter’s names', () => {
    expect(Object.fromEntries(captureMetricsOf(parsePrometheusText(WORKER_1)))).toEqual({ erp: { behindSourceMs: 1250, queueRemaining: 16000, queueTotal: 16384, connected: true } });
  });

  it('reports no lag, not -1 ms, for a connector that has captured nothing yet', () => {
    expect(captureMetricsOf(parsePrometheusText(WORKER_2)).get('wms')).toEqual({ behindSourceMs: null, queueRemaining: null, queueTotal: null, connected: false });
  });

  describe('over HTTP', () => {
    const servers: Server[] = [];
    const serve = async (status: number, body: string): Promise<string> => {
      const server = createServer((_, res) => res.writeHead(status).end(body));
      servers.push(server);
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    };
    afterAll(() => servers.forEach((server) => server.close()));

    it('merges every worker’s connectors, and goes on without a worker that does not answer', async () => {
      const capture = await readCapture([await serve(200, WORKER_1), await serve(200, WORKER_2), await serve(503, 'restarting'), 'http://127.0.0.1:9/metrics']);
      expect([...capture.keys()].sort()).toEqual(['erp', 'wms']);
      expect(capture.get('erp')?.behindSourceMs).toBe(1250);
    });

    it('fails, naming why, when no worker answers', async () => {
      await expect(readCapture([await serve(503, 'restarting'), 'http://127.0.0.1:9/metrics'])).rejects.toThrow(/no Connect worker's metrics answered \(.*503/);
    });
  });
});
