/**
 * The fault suite's own copy of what `npm start` runs (sinks, reconciler, ERP write-back,
 * Shopify channel, API, two store agents, a Shopify emulator), under the same Supervisor, so that
 * a killed service is restarted as it would be there. Isolated from the shared demo and from
 * other people's tests on the same stack as the benchmarks are (scripts/bench/support/stack.ts):
 * a hub database and level topic of the run's own, consumer groups and ports of its own, a Redis
 * database index of its own, store agents with their own SQLite files. stock.movements, the raw
 * topics and the legacy databases are the shared, real ones: the faults are theirs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { ensureTopics } from '../../core/kafka';
import { TOPICS } from '../../core/topics';
import { hubDbConfigSchema } from '../../hub/config';
import { dropDatabase, migrate } from '../../hub/db';
import { testKafka } from '../../test/support/kafka';
import { EmulatorControl } from '../bench/support/emulator';
import { endOffsets } from '../bench/support/hub';
import { Supervisor, type ServiceSpec } from '../run-services';
import { say } from './log';

export const PORTS = { emulator: 18500, sinks: 18501, reconciler: 18502, writeback: 18503, channel: 18504, api: 18505, proxy: 18520 };
export const AGENTS: Record<string, number> = { S001: 18511, S002: 18512 };
/** Redis database index of the suite (the cache keys carry no prefix; the demo uses 0). */
const REDIS_DB = 9;

export interface ChaosHub {
  run: string;
  databaseUrl: string;
  pool: Pool;
  kafka: Kafka;
  supervisor: Supervisor;
  emulator: EmulatorControl;
  /** STOCKHUB_AGENTS_FILE for the reconciliation report. */
  agentsFile: string;
  /** Environment for bin/stockhub-reconcile to compare this hub with this emulator and these agents. */
  reportEnv: Record<string, string>;
  levelsTopic: string;
  stop(): Promise<void>;
}

function specs(run: string, shared: Record<string, string>): ServiceSpec[] {
  const group = (name: string): string => `chaos-${run}-${name}`;
  const sinksUrl = `http://127.0.0.1:${PORTS.sinks}`;
  const s = (name: string, entry: string, port: number, env: Record<string, string>): ServiceSpec => ({ name, entry, port, describe: name, env: { ...shared, ...env } });
  return [
    s('shopify-emulator', 'emulators/shopify/main.ts', PORTS.emulator, {
      SHOPIFY_EMULATOR_PORT: String(PORTS.emulator),
      SHOPIFY_EMULATOR_SEED: 'none',
      SHOPIFY_EMULATOR_PLAN: 'plus',
      SHOPIFY_EMULATOR_WEBHOOK_URL: `${sinksUrl}/webhooks/shopify`,
    }),
    s('sinks', 'sinks/main.ts', PORTS.sinks, { SINK_HTTP_PORT: String(PORTS.sinks), SINK_DEBEZIUM_GROUP: group('debezium'), SINK_SHOPIFY_GROUP: group('shopify'), SINK_START_FROM: 'latest' }),
    s('reconciler', 'hub/reconciler/main.ts', PORTS.reconciler, { RECONCILER_HTTP_PORT: String(PORTS.reconciler), RECONCILER_GROUP: group('reconciler') }),
    s('erp-writeback', 'hub/channels/erp-writeback/main.ts', PORTS.writeback, { WRITEBACK_HTTP_PORT: String(PORTS.writeback), WRITEBACK_GROUP: group('writeback') }),
    // Its level topic is the run's own and new: from the beginning loses nothing on a first-start crash.
    s('shopify-channel', 'hub/channels/shopify/main.ts', PORTS.channel, { SHOPIFY_CHANNEL_HTTP_PORT: String(PORTS.channel), SHOPIFY_CHANNEL_GROUP: group('shopify-channel'), SHOPIFY_CHANNEL_START_FROM: 'earliest' }),
    s('api', 'hub/api/main.ts', PORTS.api, { API_HTTP_PORT: String(PORTS.api) }),
  ];
}

function agentSpec(store: string, port: number, dir: string, shared: Record<string, string>): ServiceSpec {
  return {
    name: `agent-${store}`,
    entry: 'connectors/store-agent/main.ts',
    port,
    describe: `store agent ${store}`,
    env: {
      ...shared,
      AGENT_STORE_ID: store,
      AGENT_API_TOKEN: `dev-token-api-${store}`,
      AGENT_PDV_TOKEN: `dev-token-${store}`,
      AGENT_HTTP_PORT: String(port),
      AGENT_HUB_URL: `http://127.0.0.1:${PORTS.api}`,
      AGENT_INGEST_URL: `http://127.0.0.1:${PORTS.sinks}`,
      AGENT_DB_PATH: join(dir, `${store}.sqlite`),
    },
  };
}

/** Migrates the run's database, stores the reconciler's start at the end of stock.movements, starts every service and waits for each /health. */
export async function startChaosHub(run: string, keep: boolean): Promise<ChaosHub> {
  const url = new URL(loadConfig(hubDbConfigSchema).HUB_PG_URL);
  url.pathname = `/stockhub_chaos_${run}`;
  const databaseUrl = url.toString();
  await migrate(databaseUrl);
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  // An idle client dropped by a restarting server is not the runner's failure; the next query reconnects.
  pool.on('error', (error) => say(`hub pool: ${error.message}`));
  const kafka = testKafka(`chaos-${run}`);
  const levelsTopic = `chaos.${run}.levels`;
  const dir = mkdtempSync(join(tmpdir(), `stockhub-chaos-${run}-`));
  const agentsFile = join(dir, 'store-agents.json');
  writeFileSync(agentsFile, JSON.stringify({ agents: Object.fromEntries(Object.entries(AGENTS).map(([store, port]) => [store, `http://127.0.0.1:${port}`])) }));
  const redis = new URL(loadConfig(stackConfigSchema).REDIS_URL);
  redis.pathname = `/${REDIS_DB}`;
  const supervisor = new Supervisor({ logs: resolve(__dirname, '../../.stack/logs'), logPrefix: 'chaos-', say: (line) => say(`supervisor: ${line}`) });
  const admin = kafka.admin();
  // Should the runner die without its finally blocks, its services do not outlive it.
  const orphanGuard = (): void => void supervisor.stopAll();
  process.once('exit', orphanGuard);
  const stop = async (): Promise<void> => {
    await supervisor.stopAll();
    await pool.end().catch(() => undefined);
    if (keep) say(`kept database stockhub_chaos_${run}, topic ${levelsTopic}, agents in ${dir} (--keep)`);
    else {
      await dropDatabase(databaseUrl).catch((error: unknown) => say(`could not drop stockhub_chaos_${run}: ${String(error)}`));
      await admin.deleteTopics({ topics: [levelsTopic] }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    await admin.disconnect().catch(() => undefined);
  };
  try {
    await admin.connect();
    await ensureTopics(admin, [{ name: levelsTopic, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'fault suite: stock.levels' }]);
    const ends = await endOffsets(kafka, TOPICS.movements);
    await pool.query(`INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) SELECT $1, $2, * FROM unnest($3::int[], $4::bigint[])`, [
      `chaos-${run}-reconciler`,
      TOPICS.movements,
      [...ends.keys()],
      [...ends.values()],
    ]);
    // Given to each service, not set in the runner's own environment: scripts/stack, which the
    // faults run, reads REDIS_URL and HUB_PG_URL too and must see the stack's.
    const shared = { HUB_PG_URL: databaseUrl, REDIS_URL: redis.toString(), LEVELS_TOPIC: levelsTopic, SHOPIFY_LEVELS_TOPIC: levelsTopic, SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}` };
    say(`hub database stockhub_chaos_${run}, levels topic ${levelsTopic}, Redis db ${REDIS_DB}`);
    const core = specs(run, shared);
    for (const spec of core) supervisor.add(spec);
    for (const spec of core) await supervisor.waitHealthy(spec.name, 120_000);
    const agents = Object.entries(AGENTS).map(([store, port]) => agentSpec(store, port, dir, shared));
    for (const spec of agents) supervisor.add(spec);
    for (const spec of agents) await supervisor.waitHealthy(spec.name, 120_000);
    say(`services healthy: ${supervisor.names().join(', ')}`);
    return {
      run,
      databaseUrl,
      pool,
      kafka,
      supervisor,
      emulator: new EmulatorControl(`http://127.0.0.1:${PORTS.emulator}`),
      agentsFile,
      reportEnv: { HUB_PG_URL: databaseUrl, SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}`, STOCKHUB_AGENTS_FILE: agentsFile },
      levelsTopic,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
