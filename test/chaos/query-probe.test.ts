import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryProbe, summarizeWindow, type QuerySample } from '../../scripts/chaos/query-probe';

describe('query probe', () => {
  it('summarises a window: share answered, percentiles over every sample, failures by reason', () => {
    const samples: QuerySample[] = [
      ...Array.from({ length: 997 }, (_, i) => ({ sentAt: 1_000 + i, latencyMs: 5, ok: true })),
      { sentAt: 2_000, latencyMs: 2_000, ok: false, failure: 'timeout' },
      { sentAt: 2_001, latencyMs: 1, ok: false, failure: 'HTTP 503' },
      { sentAt: 2_002, latencyMs: 1, ok: false, failure: 'HTTP 503' },
    ];
    const w = summarizeWindow(samples);
    expect(w.sent).toBe(1_000);
    expect(w.okPercent).toBeCloseTo(99.7);
    expect(w.p50Ms).toBe(5);
    expect(w.maxMs).toBe(2_000);
    expect(w.failures).toEqual([
      ['HTTP 503', 2],
      ['timeout', 1],
    ]);
    expect(w.lastFailureAt).toBe(2_002);
  });

  it('counts an empty window as fully answered', () => {
    expect(summarizeWindow([]).okPercent).toBe(100);
  });

  describe('against a server', () => {
    let server: Server;
    let url: string;
    let failing = false;

    beforeAll(async () => {
      server = createServer((req, res) => {
        if (failing) {
          res.writeHead(503).end();
          return;
        }
        if (req.method === 'POST') {
          let body = '';
          req.on('data', (chunk: Buffer) => (body += chunk.toString()));
          req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: (JSON.parse(body) as { skus: string[] }).skus.map((sku) => ({ sku })) })));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku: decodeURIComponent(req.url!.split('/').pop()!) }));
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((done) => server.close(done));
    });

    it('sends at its rate, single and batch queries, and records failures in their window', async () => {
      const probe = new QueryProbe({ url, token: 't', rate: 100, timeoutMs: 1_000, maxInFlight: 50, batchShare: 0.2 });
      probe.useSkus(['10000001', '10000002', '10000003']);
      const started = Date.now();
      probe.start();
      await new Promise((r) => setTimeout(r, 500));
      failing = true;
      const failedFrom = Date.now();
      await new Promise((r) => setTimeout(r, 300));
      failing = false;
      const failedTo = Date.now();
      await new Promise((r) => setTimeout(r, 200));
      await probe.stop();
      const all = probe.window(started, Date.now() + 1);
      expect(all.sent).toBeGreaterThanOrEqual(80);
      expect(all.sent).toBeLessThanOrEqual(105);
      const during = probe.window(failedFrom + 20, failedTo - 20);
      expect(during.ok).toBeLessThan(during.sent);
      expect(during.failures[0]![0]).toBe('HTTP 503');
      expect(probe.window(started, failedFrom - 20).okPercent).toBe(100);
    });
  });
});
