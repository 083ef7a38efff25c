/**
 * The fault suite's own copy of what `npm start` runs (sinks, reconciler, ERP write-back,
 * Shopify channel, API, two store agents, a Shopify emulator), under the same Supervisor, so that
 * a killed service is restarted as it would be there. Isolated from the shared demo and from
 * other people's tests on the same stack as the benchmarks are (scripts/bench/support/stack.ts):
 * a hub database and level topic of the run's own, consumer groups and ports of its own, a Redis
 * database index of its own, store agents with their own SQLite files. stock.movements, the raw
 * topics and the legacy databases are the shared, real ones: the faults are theirs.
 *
 * A layout says how many instances of each replicated service run: one each on its port (the
 * fault suite), or two or more each on the instance ports of scripts/haproxy.ts with HAProxy on
 * the public ports of the sinks, the API and the Shopify channel (the availability test).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { commitEndForUncommittedPartitions, ensureTopics } from '../../core/kafka';
import { createLogger } from '../../core/logging';
import { TOPICS } from '../../core/topics';
import { hubDbConfigSchema } from '../../hub/config';
import { StockHubError } from '../../core/errors';
import { dropDatabase, migrate } from '../../hub/db';
import { loadMappings } from '../../sinks/debezium';
import { testKafka } from '../../test/support/kafka';
import { EmulatorControl } from '../bench/support/emulator';
import { endOffsets } from '../bench/support/hub';
import { balancedPort, instancesOf, writeHaproxyConfig } from '../haproxy';
import { Supervisor, type ServiceSpec } from '../run-services';
import { say } from './log';

export const PORTS = { emulator: 18500, sinks: 18501, reconciler: 18502, writeback: 18503, channel: 18504, api: 18505, proxy: 18520 };
export const AGENTS: Record<string, number> = { S001: 18511, S002: 18512 };

/** The services that run as several instances in the availability test. */
export const REPLICATED = ['sinks', 'reconciler', 'erp-writeback', 'shopify-channel', 'api'] as const;
export type Replicated = (typeof REPLICATED)[number];

export interface HubLayout {
  /** Public ports (the instance's own when a service runs once); `proxy` is the ERP link's cuttable proxy. */
  ports: typeof PORTS;
  agents: Record<string, number>;
  /** Redis database index of the run's services (the cache keys carry no prefix; the demo uses 0). */
  redisDb: number;
  /** Instances of each replicated service; from 2, HAProxy takes the public ports of the sinks, the API and the Shopify channel. */
  instances: number;
  /** From 2 instances: HAProxy's own port (/health, /stats, /metrics) and the folder its config is written to. */
  balancer?: { opsPort: number; configDir: string };
}

/** The fault suite's: one instance of each service on the ports above. */
export const SINGLE: HubLayout = { ports: PORTS, agents: AGENTS, redisDb: 9, instances: 1 };

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
  layout: HubLayout;
  /** Supervisor names of a replicated service's instances (the service's name alone when it runs once). */
  instances(service: Replicated): string[];
  stop(): Promise<void>;
}

function specs(run: string, layout: HubLayout, shared: Record<string, string>): ServiceSpec[] {
  const { ports } = layout;
  const group = (name: string): string => `chaos-${run}-${name}`;
  const sinksUrl = `http://127.0.0.1:${ports.sinks}`;
  const s = (name: string, entry: string, port: number, env: Record<string, string>): ServiceSpec => ({ name, entry, port, describe: name, env: { ...shared, ...env } });
  // Every instance of a service in one consumer group, each on its own port.
  const replicas = (name: Replicated, entry: string, publicPort: number, portVariable: string, env: Record<string, string>): ServiceSpec[] =>
    instancesOf(name, publicPort, layout.instances).map((i) => s(i.name, entry, i.port, { ...env, [portVariable]: String(i.port) }));
  const services = [
    s('shopify-emulator', 'emulators/shopify/main.ts', ports.emulator, {
      SHOPIFY_EMULATOR_PORT: String(ports.emulator),
      SHOPIFY_EMULATOR_SEED: 'none',
      SHOPIFY_EMULATOR_PLAN: 'plus',
      SHOPIFY_EMULATOR_WEBHOOK_URL: `${sinksUrl}/webhooks/shopify`,
    }),
    ...replicas('sinks', 'sinks/main.ts', ports.sinks, 'SINK_HTTP_PORT', { SINK_DEBEZIUM_GROUP: group('debezium'), SINK_SHOPIFY_GROUP: group('shopify'), SINK_START_FROM: 'latest' }),
    ...replicas('reconciler', 'hub/reconciler/main.ts', ports.reconciler, 'RECONCILER_HTTP_PORT', { RECONCILER_GROUP: group('reconciler') }),
    ...replicas('erp-writeback', 'hub/channels/erp-writeback/main.ts', ports.writeback, 'WRITEBACK_HTTP_PORT', { WRITEBACK_GROUP: group('writeback') }),
    // Its level topic is the run's own and new: from the beginning loses nothing on a first-start crash.
    ...replicas('shopify-channel', 'hub/channels/shopify/main.ts', ports.channel, 'SHOPIFY_CHANNEL_HTTP_PORT', { SHOPIFY_CHANNEL_GROUP: group('shopify-channel'), SHOPIFY_CHANNEL_START_FROM: 'earliest' }),
    ...replicas('api', 'hub/api/main.ts', ports.api, 'API_HTTP_PORT', {}),
  ];
  return layout.instances === 1 ? services : [...services, loadBalancer(run, layout)];
}

const haproxyConfigPath = (run: string, dir: string): string => join(dir, `chaos-${run}-haproxy.cfg`);

/** HAProxy on the public ports of the sinks, the API (its store feeds are long-lived) and the Shopify channel. */
function loadBalancer(run: string, layout: HubLayout): ServiceSpec {
  if (layout.balancer === undefined) throw new StockHubError(`a layout of ${layout.instances} instances needs a balancer`);
  const ports = [balancedPort('sinks', layout.ports.sinks, layout.instances), balancedPort('api', layout.ports.api, layout.instances), balancedPort('shopify-channel', layout.ports.channel, layout.instances)];
  const program = writeHaproxyConfig(haproxyConfigPath(run, layout.balancer.configDir), { host: '127.0.0.1', opsPort: layout.balancer.opsPort, ports });
  return { name: 'haproxy', ...program, port: layout.balancer.opsPort, describe: 'load balancer' };
}

function agentSpec(store: string, port: number, dir: string, ports: typeof PORTS, shared: Record<string, string>): ServiceSpec {
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
      AGENT_HUB_URL: `http://127.0.0.1:${ports.api}`,
      AGENT_INGEST_URL: `http://127.0.0.1:${ports.sinks}`,
      AGENT_DB_PATH: join(dir, `${store}.sqlite`),
    },
  };
}

/** Migrates the run's database, stores the reconciler's start at the end of stock.movements, starts every service and waits for each /health. */
export async function startChaosHub(run: string, keep: boolean, layout: HubLayout = SINGLE): Promise<ChaosHub> {
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
  writeFileSync(agentsFile, JSON.stringify({ agents: Object.fromEntries(Object.entries(layout.agents).map(([store, port]) => [store, `http://127.0.0.1:${port}`])) }));
  const redis = new URL(loadConfig(stackConfigSchema).REDIS_URL);
  redis.pathname = `/${layout.redisDb}`;
  // The services' logs beside the stack's they run on (STACKHUB_STACK_DIR as scripts/stack reads it).
  const logs = resolve(process.env.STACKHUB_STACK_DIR ?? resolve(__dirname, '../../.stack'), 'logs');
  const supervisor = new Supervisor({ logs, logPrefix: 'chaos-', say: (line) => say(`supervisor: ${line}`) });
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
      if (layout.balancer) rmSync(haproxyConfigPath(run, layout.balancer.configDir), { force: true });
    }
    await admin.disconnect().catch(() => undefined);
  };
  try {
    await admin.connect();
    // Copies and min ISR are the brokers' defaults, which scripts/stack sets to the cluster's.
    await ensureTopics(admin, [{ name: levelsTopic, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'fault suite: stock.levels' }]);
    // The sinks start their new groups at the end of the raw topics (SINK_START_FROM=latest) by
    // committing it; two instances starting at once are both refused (the other is a live member),
    // and a partition left without a commit is later reset past what arrived on it while it moved.
    const quiet = createLogger(`chaos-${run}`, 'warn');
    await commitEndForUncommittedPartitions(kafka, `chaos-${run}-debezium`, [...loadMappings().keys()], quiet);
    await commitEndForUncommittedPartitions(kafka, `chaos-${run}-shopify`, [TOPICS.shopifyWebhooks], quiet);
    const ends = await endOffsets(kafka, TOPICS.movements);
    await pool.query(`INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) SELECT $1, $2, * FROM unnest($3::int[], $4::bigint[])`, [
      `chaos-${run}-reconciler`,
      TOPICS.movements,
      [...ends.keys()],
      [...ends.values()],
    ]);
    // Given to each service, not set in the runner's own environment: scripts/stack, which the
    // faults run, reads REDIS_URL and HUB_PG_URL too and must see the stack's.
    const shared = { HUB_PG_URL: databaseUrl, REDIS_URL: redis.toString(), LEVELS_TOPIC: levelsTopic, SHOPIFY_LEVELS_TOPIC: levelsTopic, SHOPIFY_ADMIN_URL: `http://127.0.0.1:${layout.ports.emulator}` };
    say(`hub database stockhub_chaos_${run}, levels topic ${levelsTopic}, Redis db ${layout.redisDb}, ${layout.instances} instance(s) of ${REPLICATED.join(', ')}`);
    const core = specs(run, layout, shared);
    for (const spec of core) supervisor.add(spec);
    for (const spec of core) await supervisor.waitHealthy(spec.name, 120_000);
    const agents = Object.entries(layout.agents).map(([store, port]) => agentSpec(store, port, dir, layout.ports, shared));
    for (const spec of agents) supervisor.add(spec);
    for (const spec of agents) await supervisor.waitHealthy(spec.name, 120_000);
    say(`services healthy: ${supervisor.names().join(', ')}`);
    return {
      run,
      databaseUrl,
      pool,
      kafka,
      supervisor,
      emulator: new EmulatorControl(`http://127.0.0.1:${layout.ports.emulator}`),
      agentsFile,
      reportEnv: { HUB_PG_URL: databaseUrl, SHOPIFY_ADMIN_URL: `http://127.0.0.1:${layout.ports.emulator}`, STOCKHUB_AGENTS_FILE: agentsFile },
      levelsTopic,
      layout,
      instances: (service) => instancesOf(service, 0, layout.instances).map((i) => i.name),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
