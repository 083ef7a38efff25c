import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentsView } from '../../../../hub/ops/report/agents-view';

/** A store agent's local API as connectors/store-agent/local-api.ts answers it. */
function fakeAgent(levels: Record<string, { onHand: number; reserved: number; available: number }>, status?: number) {
  const asked: string[] = [];
  const server: Server = createServer((req, res) => {
    const sku = decodeURIComponent(/^\/stock\/(.+)$/.exec(req.url ?? '')?.[1] ?? '');
    asked.push(sku);
    const level = levels[sku];
    if (status !== undefined) res.writeHead(status).end('{}');
    else if (level === undefined) res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no local stock for ${sku}` }));
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku, ...level, version: 3, networkAvailable: 99 }));
  });
  return {
    asked,
    start: () => new Promise<string>((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const agent = fakeAgent({});
  const url = await agent.start();
  await agent.stop();
  return url;
}

const signal = new AbortController().signal;

describe('AgentsView', () => {
  const s001 = fakeAgent({ A: { onHand: 5, reserved: 1, available: 3 }, 'X/1': { onHand: 2, reserved: 0, available: 2 } });
  const s002 = fakeAgent({ A: { onHand: 8, reserved: 0, available: 8 } });
  let urls: string[];

  beforeAll(async () => {
    urls = [await s001.start(), await s002.start()];
  });
  afterAll(async () => {
    await s001.stop();
    await s002.stop();
  });

  it("compares each agent's on-hand (not available, not the network's), one GET /stock/{sku} each", async () => {
    const view = new AgentsView({ S001: urls[0]!, S002: urls[1]! });
    const reading = await view.read(['A', 'B', 'X/1'], ['S001', 'S002'], signal);
    expect(Object.fromEntries(reading.values)).toEqual({ 'A@S001': 5, 'X/1@S001': 2, 'A@S002': 8 });
    expect(reading.failed.size).toBe(0);
    expect(s001.asked).toEqual(expect.arrayContaining(['A', 'B', 'X/1']));
    expect(view.measure).toBe('onHand');
  });

  it('covers only the stores with an agent', async () => {
    const view = new AgentsView({ S001: urls[0]!, S002: urls[1]! });
    expect(await view.locations(null)).toEqual(['S001', 'S002']);
    expect(await view.locations(['S002', 'DC01'])).toEqual(['S002']);
  });

  it('reports an unreachable agent as a failure of its store only, and does not ask it again', async () => {
    const down = await closedPort();
    const view = new AgentsView({ S001: urls[0]!, S003: down });
    const first = await view.read(['A', 'B'], ['S001', 'S003'], signal);
    expect(Object.fromEntries(first.values)).toEqual({ 'A@S001': 5 });
    expect([...first.failed.keys()]).toEqual(['S003']);
    expect(first.failed.get('S003')).toMatch(new RegExp(`store agent S003 at ${down}: fetch failed \\(ECONNREFUSED\\)`));
    const second = await view.read(['A'], ['S003'], signal);
    expect([...second.failed.keys()]).toEqual(['S003']);
  });

  it('treats an agent answering 5xx as failed', async () => {
    const broken = fakeAgent({}, 503);
    const url = await broken.start();
    try {
      const reading = await new AgentsView({ S004: url }).read(['A'], ['S004'], signal);
      expect(reading.failed.get('S004')).toContain('answered 503');
    } finally {
      await broken.stop();
    }
  });
});
