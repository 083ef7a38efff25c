import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { TOPICS } from '../../core/topics';

const ROOT = resolve(__dirname, '../..');
const LOGS = resolve(ROOT, '.stack/logs');

export interface Service {
  process: ChildProcess;
  url: string;
  /** SIGKILL: no clean shutdown, no offset commit on the way out. */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/**
 * Runs one of the project's services as a real child process (node with the tsx loader) with
 * its JSON logs in .stack/logs/test-<name>.log, and waits until its /health answers 200 (for
 * the sinks: listening, and every consumer joined to its group).
 */
export function startService(name: string, entry: string, port: number, env: Record<string, string> = {}): Promise<Service> {
  // node with tsx's loader, not the tsx wrapper: the wrapper forks a second node process that a
  // SIGKILL of the wrapper would leave running.
  return startProcess(name, ['--import', 'tsx', entry], port, { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' } });
}

/** node with `args` in `cwd` and exactly the environment `env`, logged and awaited as startService does. */
export async function startProcess(name: string, args: readonly string[], port: number, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Service> {
  mkdirSync(LOGS, { recursive: true });
  const log = createWriteStream(resolve(LOGS, `test-${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see .stack/logs/test-${name}.log`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not healthy within 45 s; see .stack/logs/test-${name}.log`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    process: child,
    url,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The sink service in consumer groups of the test's own (`it-<name>-…-<run>`), starting from the
 * topics' current end, so that it sees only what the test writes.
 */
export function startSinks(name: string, port: number, run: string, env: Record<string, string> = {}): Promise<Service> {
  return startService(`sinks-${name}`, 'sinks/main.ts', port, {
    SINK_HTTP_PORT: String(port),
    SINK_DEBEZIUM_GROUP: `it-${name}-debezium-${run}`,
    SINK_SHOPIFY_GROUP: `it-${name}-shopify-${run}`,
    SINK_START_FROM: 'latest',
    ...env,
  });
}

/**
 * A reconciler on the real stock.movements in a group of the test's own, starting at the topic's
 * current end: its offsets live in PostgreSQL, so they are stored there before it starts.
 */
export async function startReconcilerAtEnd(name: string, port: number, run: string, pool: Pool, kafka: Kafka): Promise<Service> {
  const groupId = `it-${name}-reconciler-${run}`;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(TOPICS.movements);
  await admin.disconnect();
  await pool.query(
    `INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) SELECT $1, $2, * FROM unnest($3::int[], $4::bigint[])`,
    [groupId, TOPICS.movements, ends.map((e) => e.partition), ends.map((e) => e.high)],
  );
  return startService(`reconciler-${name}`, 'hub/reconciler/main.ts', port, { RECONCILER_HTTP_PORT: String(port), RECONCILER_GROUP: groupId });
}

/** A store agent's settings with the store's development tokens, on `port`, talking to the given API and ingest, its SQLite copy in `dir`. */
export function storeAgentEnv(store: string, port: number, urls: { api: string; ingest: string }, dir: string): Record<string, string> {
  return {
    AGENT_HTTP_PORT: String(port),
    AGENT_STORE_ID: store,
    AGENT_API_TOKEN: `dev-token-api-${store}`,
    AGENT_PDV_TOKEN: `dev-token-${store}`,
    AGENT_HUB_URL: urls.api,
    AGENT_INGEST_URL: urls.ingest,
    AGENT_DB_PATH: join(dir, `${store}.sqlite`),
  };
}
