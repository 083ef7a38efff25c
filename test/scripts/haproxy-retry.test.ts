/**
 * The generated configuration in a real HAProxy: an instance that dies holding a request (it
 * reads it and closes the connection without an answer, as a killed one does) costs a client
 * nothing when the request only reads, and is not replayed when it may have acted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { balancedPort, writeHaproxyConfig } from '../../scripts/haproxy';
import { eventually } from '../support/wait';

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** A port nothing listens on now (the OS's pick, released). */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('HAProxy with an API instance that dies holding requests', () => {
  const answered: string[] = [];
  // Healthy to HAProxy's checks, so it stays in the pool: it dies on every other request.
  const dying = createServer((req, res) => (req.url === '/health' ? res.end('ok') : req.socket.destroy()));
  const live = createServer((req, res) => {
    answered.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  let haproxy: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const ports = [await listen(dying), await listen(live)];
    const publicPort = await freePort();
    const port = balancedPort('api', publicPort, 2);
    const instances = port.instances.map((instance, i) => ({ ...instance, port: ports[i]! }));
    const run = writeHaproxyConfig(join(mkdtempSync(join(tmpdir(), 'haproxy-retry-')), 'haproxy.cfg'), {
      host: '127.0.0.1',
      opsPort: await freePort(),
      ports: [{ ...port, instances }],
    });
    haproxy = spawn(run.program, run.args, { stdio: 'ignore' });
    url = `http://127.0.0.1:${publicPort}`;
    await eventually('HAProxy to answer', async () => ((await fetch(`${url}/health`).catch(() => null))?.ok === true ? true : undefined), 10_000);
  });

  afterAll(async () => {
    haproxy?.kill('SIGKILL');
    await Promise.all([dying, live].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** The status, or 0 when the connection closed without one. */
  const post = async (path: string): Promise<number> => {
    try {
      return (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"skus":["A","B"]}' })).status;
    } catch {
      return 0;
    }
  };

  it('answers every read, GET or the POST stock query, from the other instance', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await fetch(`${url}/v1/stock/A`)).status);
      statuses.push(await post('/v1/stock/query'));
    }
    expect(statuses).toEqual(Array(12).fill(200));
    expect(answered.filter((a) => a === 'POST /v1/stock/query')).toHaveLength(6);
  });

  it('does not replay a POST that may have acted (a reservation): the client gets the failure', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await post('/v1/reservations'));
    expect(statuses.filter((s) => s !== 200).length).toBeGreaterThanOrEqual(1);
    expect(answered.filter((a) => a === 'POST /v1/reservations').length).toBe(statuses.filter((s) => s === 200).length);
  });
});
