/**
 * The services an end-to-end benchmark runs, each as a real process on ports of its own and in
 * consumer groups of its own (test/support/services.ts): the Shopify emulator (empty catalogue),
 * the sinks, a reconciler at the end of stock.movements, the Shopify channel and, if asked, the
 * hub API (store feeds).
 *
 * Isolation: other people run integration tests and the services on the same stack at the same
 * time. Every Shopify channel consumes every level on stock.levels (and would spend its calls
 * looking up other runs' SKUs in this run's emulator), and every reconciler on stock.movements
 * applies everyone's movements. So the benchmark's hub runs on a database of its own
 * (stockhub_bench_<name>_<run>, migrated, dropped at the end) and publishes its levels to a
 * compacted topic of its own; stock.movements, the raw topics, Redis (the echo marks the sinks
 * read) and the legacy databases are the shared, real ones.
 */
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { loadConfig } from '../../../core/config';
import { ensureTopics } from '../../../core/kafka';
import { hubDbConfigSchema } from '../../../hub/config';
import { dropDatabase, migrate } from '../../../hub/db';
import { testKafka } from '../../../test/support/kafka';
import { startReconcilerAtEnd, startService, startSinks, type Service } from '../../../test/support/services';
import { ShopifyEmulator } from '../../../test/support/shopify-emulator';
import { log } from './cli';
import { EmulatorControl, type Plan } from './emulator';

export interface BenchPorts {
  emulator: number;
  sinks: number;
  reconciler: number;
  channel: number;
  api?: number;
}

export interface BenchStack {
  pool: Pool;
  kafka: Kafka;
  emulator: EmulatorControl;
  reconcilerGroup: string;
  channelGroup: string;
  apiUrl: string | null;
  /** The benchmark's own compacted level topic. */
  levelsTopic: string;
  stop(): Promise<void>;
}

export async function startBenchStack(name: string, run: string, ports: BenchPorts, plan: Plan, channelEnv: Record<string, string> = {}, keep = false): Promise<BenchStack> {
  const url = new URL(loadConfig(hubDbConfigSchema).HUB_PG_URL);
  const database = `stockhub_bench_${name}_${run}`;
  url.pathname = `/${database}`;
  await migrate(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  const kafka = testKafka(`bench-${name}`);
  const levelsTopic = `bench.${run}.levels`;
  const admin = kafka.admin();
  const services: Service[] = [];
  let emulator: ShopifyEmulator | undefined;
  // Should the benchmark die without its finally blocks, its services do not outlive it.
  process.once('exit', () => {
    for (const service of services) service.process.kill('SIGTERM');
    emulator?.service.process.kill('SIGTERM');
  });
  const stop = async (): Promise<void> => {
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    await emulator?.stop().catch(() => undefined);
    await pool.end();
    if (keep) {
      log(`kept database ${database} and topic ${levelsTopic} (--keep)`);
    } else {
      await dropDatabase(url.toString()).catch((error: unknown) => log(`could not drop ${database}: ${String(error)}`));
      await admin.deleteTopics({ topics: [levelsTopic] }).catch(() => undefined);
    }
    await admin.disconnect().catch(() => undefined);
  };
  try {
    await admin.connect();
    await ensureTopics(admin, [{ name: levelsTopic, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'benchmark: stock.levels' }]);
    // Inherited by every service started below (startService passes process.env on).
    Object.assign(process.env, { HUB_PG_URL: url.toString(), LEVELS_TOPIC: levelsTopic, SHOPIFY_LEVELS_TOPIC: levelsTopic });
    log(`hub database ${database}, levels topic ${levelsTopic}`);
    const adminUrl = { SHOPIFY_ADMIN_URL: `http://127.0.0.1:${ports.emulator}` };
    emulator = await ShopifyEmulator.start(`bench-${name}`, ports.emulator, `http://127.0.0.1:${ports.sinks}/webhooks/shopify`, { SHOPIFY_EMULATOR_PLAN: plan });
    log(`emulator on :${ports.emulator} (plan ${plan}, empty catalogue)`);
    services.push(await startSinks(`bench-${name}`, ports.sinks, run, adminUrl));
    log(`sinks on :${ports.sinks}`);
    services.push(await startReconcilerAtEnd(`bench-${name}`, ports.reconciler, run, pool, kafka));
    log(`reconciler on :${ports.reconciler}`);
    const channelGroup = `bench-${name}-shopify-channel-${run}`;
    services.push(
      await startService(`bench-${name}-shopify-channel`, 'hub/channels/shopify/main.ts', ports.channel, {
        ...adminUrl,
        SHOPIFY_CHANNEL_HTTP_PORT: String(ports.channel),
        SHOPIFY_CHANNEL_GROUP: channelGroup,
        ...channelEnv,
      }),
    );
    log(`Shopify channel on :${ports.channel}`);
    if (ports.api !== undefined) {
      services.push(await startService(`bench-${name}-api`, 'hub/api/main.ts', ports.api, { API_HTTP_PORT: String(ports.api), API_REFILL_CACHE: 'false' }));
      log(`API on :${ports.api}`);
    }
    return {
      pool,
      kafka,
      emulator: new EmulatorControl(emulator.url),
      reconcilerGroup: `it-bench-${name}-reconciler-${run}`,
      channelGroup,
      apiUrl: ports.api === undefined ? null : `http://127.0.0.1:${ports.api}`,
      levelsTopic,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
