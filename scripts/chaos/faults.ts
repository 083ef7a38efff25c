/**
 * The faults, each as the retailer's brief names it. inject() brings the fault about, holds it
 * for `holdMs` (the kills: as long as the restart takes) and returns once what it broke has been
 * started again; the runner times the recovery from there. cleanup() always runs and puts back
 * anything the fault changed (the ERP connector's address, a stopped server).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { DependencyError } from '../../core/errors';
import { connectorState, ERP_CONNECTOR, putConfig, registeredConfig, waitRunning } from './connect';
import { stackCommand } from './ha-stack';
import { PORTS, type ChaosHub } from './hub';
import { say } from './log';
import { CuttableProxy } from './proxy';

const ROOT = resolve(__dirname, '../..');
// Where scripts/stack keeps its pid files (STACKHUB_STACK_DIR as scripts/stack.d/common.sh reads it).
const RUN = resolve(process.env.STACKHUB_STACK_DIR ?? resolve(ROOT, '.stack'), 'run');
const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Fault {
  name: string;
  /** What is done, for the report. */
  what: string;
  /** It hits change capture (Connect, the brokers, the ERP link): the ERP connector's state is reported afterwards. */
  capture?: boolean;
  /** A fault that is only a short event (a kill): its hold is how long the restart takes. */
  prepare?(hub: ChaosHub): Promise<void>;
  /** Resolves with what is worth reporting about the fault itself (how long each restart took), if anything. */
  inject(hub: ChaosHub, holdMs: number): Promise<string | void>;
  cleanup?(hub: ChaosHub): Promise<void>;
}

/** scripts/stack up starts whatever of the stack is missing and waits for the connectors; its lines go to the progress. */
const stackUp = (): Promise<void> => stackCommand('up');

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function killHard(pid: number, what: string): Promise<void> {
  say(`kill -9 ${what} (pid ${pid})`);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) throw new DependencyError(`${what} (pid ${pid}) still alive 10 s after SIGKILL`, what);
}

const stackPid = (name: string): number => Number(readFileSync(resolve(RUN, `${name}.pid`), 'utf8').trim());

/** kill -9 of one of the stack's JVMs (its pid file), then scripts/stack up. */
function stackKill(name: string, pidFile: string, what: string): Fault {
  return {
    name,
    what: `kill -9 of the ${what}, then scripts/stack up`,
    capture: true,
    async inject(_hub, holdMs) {
      await killHard(stackPid(pidFile), what);
      const killed = Date.now();
      await sleep(holdMs);
      await stackUp();
      return `scripts/stack up had it back ${((Date.now() - killed) / 1000).toFixed(1)} s after the kill`;
    },
    // Should the restart have failed, the stack must not be left without it.
    cleanup: async () => {
      if (!alive(stackPid(pidFile))) await stackUp();
    },
  };
}

let proxy: CuttableProxy | null = null;

const erpNetwork: Fault = {
  name: 'erp-network',
  what: 'network between the ERP database and Kafka Connect cut (black hole: no reads, no writes, new connections hang) while the ERP keeps committing',
  capture: true,
  async prepare() {
    const original = registeredConfig('erp-postgres.json');
    proxy = new CuttableProxy(PORTS.proxy, { host: '127.0.0.1', port: loadConfig(stackConfigSchema).ERP_PG_PORT });
    await proxy.listen();
    // Same connector, slot and offsets: only where it reaches the database changes.
    await putConfig(ERP_CONNECTOR, { ...original, 'database.hostname': '127.0.0.1', 'database.port': String(PORTS.proxy) });
    await waitRunning(ERP_CONNECTOR, 60_000);
    for (let i = 0; i < 120 && proxy.connections === 0; i++) await sleep(500);
    if (proxy.connections === 0) throw new DependencyError('the ERP connector did not connect through the proxy within 60 s', 'kafka-connect');
    say(`ERP connector re-pointed through the proxy on 127.0.0.1:${PORTS.proxy} (${proxy.connections} connections)`);
  },
  async inject(_hub, holdMs) {
    proxy!.cut();
    say(`ERP <-> Connect link cut for ${holdMs / 1000} s`);
    const until = Date.now() + holdMs;
    while (Date.now() < until) {
      await sleep(Math.min(15_000, until - Date.now()));
      const state = await connectorState(ERP_CONNECTOR);
      say(`  link cut, ${Math.round((until - Date.now()) / 1000)} s left; connector ${state.connector}/${state.task}`);
    }
    proxy!.restore();
    say('ERP <-> Connect link restored');
  },
  async cleanup() {
    // After the load has been checked: the re-registration restarts the task, on the same slot and offsets.
    await putConfig(ERP_CONNECTOR, registeredConfig('erp-postgres.json'));
    await waitRunning(ERP_CONNECTOR, 120_000).catch((error: unknown) => say(`restoring the ERP connector: ${String(error)}`));
    await proxy?.close();
    proxy = null;
    say('ERP connector config restored (connectors/erp-postgres.json)');
  },
};

const pgCluster = (): string => readdirSync('/etc/postgresql')[0]!;

const hubPostgres: Fault = {
  name: 'hub-postgres',
  what: "the hub's PostgreSQL stopped (fast) and started again under load",
  async inject(_hub, holdMs) {
    say(`pg_ctlcluster ${pgCluster()} main stop -m fast`);
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', pgCluster(), 'main', 'stop', '-m', 'fast']);
    await sleep(holdMs);
    say(`pg_ctlcluster ${pgCluster()} main start`);
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', pgCluster(), 'main', 'start']);
  },
  async cleanup() {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', pgCluster(), 'main', 'start']).catch(() => undefined);
  },
};

const REDIS_START = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'];

async function redisPid(): Promise<number | null> {
  try {
    const { stdout } = await run('redis-cli', ['-p', '6379', 'info', 'server']);
    const match = /process_id:(\d+)/.exec(stdout);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const redis: Fault = {
  name: 'redis',
  what: 'Redis killed (kill -9) and started again empty',
  async inject(_hub, holdMs) {
    const pid = await redisPid();
    if (pid === null) throw new DependencyError('no Redis answers on 6379', 'redis');
    await killHard(pid, 'redis-server');
    await sleep(holdMs);
    say('redis-server started again, empty');
    await run('redis-server', REDIS_START);
    for (let i = 0; i < 50 && (await redisPid()) === null; i++) await sleep(200);
  },
  async cleanup() {
    if ((await redisPid()) === null) await run('redis-server', REDIS_START);
  },
};

/** Every Node service of the suite's hub, killed in turn, each restarted by the supervisor. */
export const SERVICE_KILL_ORDER = ['sinks', 'reconciler', 'erp-writeback', 'shopify-channel', 'api', 'agent-S001'];

const nodeServices: Fault = {
  name: 'node-services',
  what: `kill -9 of each Node service in turn (${SERVICE_KILL_ORDER.join(', ')}), restarted by the supervisor`,
  async inject(hub, holdMs) {
    const back: string[] = [];
    for (const name of SERVICE_KILL_ORDER) {
      const pid = hub.supervisor.pid(name);
      if (pid === undefined) throw new DependencyError(`${name} is not running`, name);
      const killed = Date.now();
      await killHard(pid, name);
      for (let i = 0; i < 600 && (hub.supervisor.pid(name) ?? pid) === pid; i++) await sleep(100);
      await hub.supervisor.waitHealthy(name, 120_000);
      say(`  ${name} healthy again ${((Date.now() - killed) / 1000).toFixed(1)} s after the kill`);
      back.push(`${name} ${((Date.now() - killed) / 1000).toFixed(1)} s`);
      await sleep(holdMs);
    }
    return `healthy again after the kill: ${back.join(', ')}`;
  },
};

export const FAULTS: Fault[] = [
  erpNetwork,
  nodeServices,
  stackKill('kafka-connect', 'connect', 'Kafka Connect worker'),
  stackKill('kafka-broker', 'kafka', 'Kafka broker'),
  hubPostgres,
  redis,
];
