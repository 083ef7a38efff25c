import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { balancedPort, writeHaproxyConfig, type Instance } from '../../scripts/haproxy';
import { Supervisor } from '../../scripts/run-services';

/** Two or more API instances behind HAProxy, all under npm start's Supervisor (which restarts what exits). */
export interface BalancedApi {
  supervisor: Supervisor;
  instances: readonly Instance[];
  /** The public address (HAProxy). */
  url: string;
  /** HAProxy's /health, /stats, /metrics. */
  opsUrl: string;
  /** Supervisor events, in order, as `<type> <name>` with the time. */
  events: Array<{ type: string; name: string; at: number }>;
  /** HAProxy's view of each instance: UP, DOWN, or a transition (e.g. "DOWN 1/2"). */
  serverStates(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * The API `count` times on the instance ports of scripts/haproxy.ts around `publicPort`, with
 * HAProxy on `publicPort` (ops on `opsPort`), each logging to .stack/logs/test-<name>-<service>.log.
 */
export async function startBalancedApi(name: string, publicPort: number, opsPort: number, count = 2, env: Record<string, string> = {}): Promise<BalancedApi> {
  const events: BalancedApi['events'] = [];
  const supervisor = new Supervisor({ logs: resolve(__dirname, '../../.stack/logs'), logPrefix: `test-${name}-`, say: () => undefined });
  supervisor.onEvent((event) => events.push({ type: event.type, name: event.name, at: event.at }));
  const port = balancedPort('api', publicPort, count);
  const instances = port.instances;
  for (const instance of instances) {
    supervisor.add({ name: instance.name, entry: 'hub/api/main.ts', port: instance.port, describe: instance.name, env: { API_HTTP_PORT: String(instance.port), API_REFILL_CACHE: 'false', ...env } });
  }
  const healthy = async (names: string[]): Promise<void> => {
    try {
      for (const service of names) await supervisor.waitHealthy(service, 60_000);
    } catch (error) {
      await supervisor.stopAll();
      throw error;
    }
  };
  // HAProxy once they answer, as npm start does: it counts a server up until its first failed check.
  await healthy(instances.map((i) => i.name));
  const config = join(mkdtempSync(join(tmpdir(), `haproxy-${name}-`)), 'haproxy.cfg');
  const run = writeHaproxyConfig(config, {
    host: '127.0.0.1',
    opsPort,
    ports: [port],
  });
  supervisor.add({ name: 'haproxy', ...run, port: opsPort, describe: 'load balancer' });
  await healthy(['haproxy']);
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  return {
    supervisor,
    instances,
    url: `http://127.0.0.1:${publicPort}`,
    opsUrl,
    events,
    serverStates: async () => {
      const csv = await (await fetch(`${opsUrl}/stats;csv`)).text();
      const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n').map((line) => line.split(','));
      const at = (column: string): number => header!.indexOf(column);
      return Object.fromEntries(rows.filter((r) => r[at('pxname')] === 'api' && !['FRONTEND', 'BACKEND'].includes(r[at('svname')]!)).map((r) => [r[at('svname')]!, r[at('status')]!]));
    },
    stop: () => supervisor.stopAll(),
  };
}
