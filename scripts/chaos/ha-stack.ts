/**
 * The availability test's own stack: three KRaft brokers and two Connect workers (scripts/stack
 * with STACK_KAFKA_NODES=3) under .stack-availability, on ports of its own (node i and worker j
 * count up from the first: brokers 29092/29192/29292, Connect 28083/28084), its own Redis (16379)
 * and hub database, beside the main stack (9092, 8083) and any other second stack (.stack-ha)
 * that people run. The test kills and restarts its processes freely.
 *
 * The settings below replace whatever the shell has (a KAFKA_BROKERS meant for the main stack
 * must not point the kills at it); each can be changed with STOCKHUB_HA_<NAME>.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, DependencyError } from '../../core/errors';
import { say } from './log';

const ROOT = resolve(__dirname, '../..');

const HA_DEFAULTS: Record<string, string> = {
  STACKHUB_STACK_DIR: resolve(ROOT, '.stack-availability'),
  STACK_KAFKA_NODES: '3',
  STACK_CONNECT_WORKERS: '2',
  KAFKA_BROKERS: '127.0.0.1:29092',
  KAFKA_CONTROLLER_PORT: '29093',
  CONNECT_URL: 'http://127.0.0.1:28083',
  CONNECT_METRICS_PORT: '29404',
  ERP_PG_PORT: '57432',
  WMS_DB_PORT: '35306',
  HUB_PG_URL: 'postgres://postgres@127.0.0.1:5432/stockhub_availability',
  // Enough for the scenarios' SKUs; a small seed keeps the stack's first start and Debezium's snapshot short.
  SEED_SKUS: '2000',
  SEED_STORES: '3',
  // A Redis of the stack's own: the fault suite's redis scenario kills the machine's (6379).
  REDIS_URL: 'redis://127.0.0.1:16379',
};

/** Redis database index of the availability test's services (should STOCKHUB_HA_REDIS_URL name a shared server). */
export const HA_REDIS_DB = 7;

/**
 * Sets the HA stack's settings in this process's environment, for scripts/stack and for the
 * modules that read the config when loaded. scripts/stack up refuses the main stack's ports and
 * databases; the faults kill what the pid files of this directory name, so it must not be the main stack's.
 */
export function useHaEnvironment(): Record<string, string> {
  const env = Object.fromEntries(Object.entries(HA_DEFAULTS).map(([k, v]) => [k, process.env[`STOCKHUB_HA_${k}`] ?? v]));
  if (resolve(env.STACKHUB_STACK_DIR!) === resolve(ROOT, '.stack')) throw new ConfigError('the availability test must not run in the main stack directory', 'STOCKHUB_HA_STACKHUB_STACK_DIR');
  Object.assign(process.env, env);
  return env;
}

/** The scripts/stack runs under way: an interrupted test stops them before it takes the stack down. */
const running = new Set<ChildProcess>();

/** scripts/stack <command> with this process's environment, its progress lines relayed. */
export function stackCommand(command: 'up' | 'down'): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(resolve(ROOT, 'scripts/stack'), [command], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    child.on('exit', () => running.delete(child));
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') say(`  ${line}`);
    });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new DependencyError(`scripts/stack ${command} exited ${code}`, 'stack'))));
  });
}

/** Stops the scripts/stack runs under way (a fault bringing a JVM back), so that a `down` after it does not race them. */
export async function stopStackCommands(): Promise<void> {
  const exits = [...running].map((child) => new Promise((r) => child.once('exit', r)));
  for (const child of running) child.kill('SIGTERM');
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 10_000))]);
}

export interface Cluster {
  /** Every broker's host:port. */
  brokers: string[];
  connectUrls: string[];
  /** Each worker's JMX exporter /metrics, in the order of connectUrls. */
  connectMetricsUrls: string[];
  /** Pid files, in the order of brokers and connectUrls. */
  kafkaPidFiles: string[];
  connectPidFiles: string[];
  /** Copies of each topic and how many must be in sync for a write. */
  replication: { factor: number; minInsync: number };
}

const list = (value: string | undefined): string[] => (value ?? '').split(/[\s,]+/).filter(Boolean);

/** What scripts/stack wrote about the cluster it started ($STACKHUB_STACK_DIR/run/cluster.env). */
export function readCluster(): Cluster {
  const file = resolve(process.env.STACKHUB_STACK_DIR!, 'run/cluster.env');
  if (!existsSync(file)) throw new DependencyError(`${file} is missing: scripts/stack did not start a cluster (STACK_KAFKA_NODES=3)`, 'stack');
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) values.set(match[1]!, match[2]!.trim().replace(/^(['"])(.*)\1$/, '$2'));
  }
  const cluster: Cluster = {
    brokers: list(values.get('KAFKA_BROKERS')),
    connectUrls: list(values.get('CONNECT_URLS')),
    connectMetricsUrls: list(values.get('CONNECT_METRICS_URLS')),
    kafkaPidFiles: list(values.get('KAFKA_PIDS')),
    connectPidFiles: list(values.get('CONNECT_PIDS')),
    replication: { factor: Number(values.get('KAFKA_REPLICATION_FACTOR') ?? 3), minInsync: Number(values.get('KAFKA_MIN_INSYNC_REPLICAS') ?? 2) },
  };
  if (cluster.brokers.length < 3 || cluster.kafkaPidFiles.length !== cluster.brokers.length) throw new DependencyError(`${file}: expected 3 brokers with a pid file each, read ${JSON.stringify(cluster)}`, 'stack');
  if (cluster.connectUrls.length < 2 || cluster.connectPidFiles.length !== cluster.connectUrls.length) throw new DependencyError(`${file}: expected 2 Connect workers with a pid file each, read ${JSON.stringify(cluster)}`, 'stack');
  return cluster;
}
