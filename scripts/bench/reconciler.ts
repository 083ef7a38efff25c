/**
 * Benchmark: the reconciler applying canonical movements (ledger insert, level update, outbox,
 * offsets, one PostgreSQL transaction per batch, then stock.levels and Redis), beside the bare
 * limit measured in the same run: a batched PostgreSQL upsert of the same rows into a scratch
 * table, in batches of the same size, with nothing else.
 *
 *   npx tsx scripts/bench/reconciler.ts      (stack up first; BENCH_EVENTS=100000)
 *
 * Runs on a topic, a consumer group and SKUs of its own (BENCH<run>-*), removed afterwards.
 */
import '../development-env';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { loadConfig } from '../../core/config';
import { connectProducer, createKafka, ensureTopics } from '../../core/kafka';
import { createLogger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import type { StockMovement } from '../../core/model';
import { createRedis } from '../../core/redis';
import { reconcilerConfigSchema } from '../../hub/config';
import { createPool, migrate } from '../../hub/db';
import { LevelCache, LevelPublisher } from '../../hub/levels';
import { createReconcilerMetrics } from '../../hub/reconciler/metrics';
import { Reconciler } from '../../hub/reconciler/reconciler';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const run = randomUUID().slice(0, 8);
const topic = `bench.${run}.movements`;
const levelsTopic = `bench.${run}.levels`;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function events(): StockMovement[] {
  const types = [['SALE', -1], ['SALE', -2], ['RETURN', 1], ['RECEIPT', 12], ['ADJUSTMENT', -1]] as const;
  return Array.from({ length: EVENTS }, (_, i) => {
    const [type, quantity] = types[i % types.length]!;
    const at = new Date(Date.UTC(2026, 10, 29, 8) + i).toISOString();
    return {
      schema: 'stock.movement.v1',
      eventId: `bench-${run}-${i}`,
      type,
      sku: `BENCH${run}-${i % 10_000}`,
      locationId: `S${String((i % 20) + 1).padStart(3, '0')}`,
      quantity,
      occurredAt: at,
      ingestedAt: at,
      source: { system: 'PDV', instance: 'S001', ref: { document: `T-${i}`, line: '1', entity: 'bench' }, position: null, raw: null },
      actor: 'bench',
      reason: null,
      correlationId: null,
    } satisfies StockMovement;
  });
}

async function bareUpsert(pool: Pool, all: StockMovement[], batch: number): Promise<number> {
  await pool.query('CREATE UNLOGGED TABLE IF NOT EXISTS bench_upsert (sku text, location_id text, on_hand numeric, PRIMARY KEY (sku, location_id))');
  await pool.query('TRUNCATE bench_upsert');
  const started = Date.now();
  for (let i = 0; i < all.length; i += batch) {
    // One row per key per statement (ON CONFLICT cannot touch a row twice), as the reconciler's UPDATE does.
    const rows = new Map(all.slice(i, i + batch).map((e) => [`${e.sku}@${e.locationId}`, e]));
    const slice = [...rows.values()];
    await pool.query(
      `INSERT INTO bench_upsert SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[])
       ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = bench_upsert.on_hand + EXCLUDED.on_hand`,
      [slice.map((e) => e.sku), slice.map((e) => e.locationId), slice.map((e) => e.quantity)],
    );
  }
  const rate = all.length / ((Date.now() - started) / 1000);
  await pool.query('DROP TABLE bench_upsert');
  return rate;
}

async function main(): Promise<void> {
  const config = loadConfig(reconcilerConfigSchema);
  const logger = createLogger('bench', 'warn');
  await migrate(config.HUB_PG_URL);
  const pool = createPool(config.HUB_PG_URL, logger);
  const kafka = createKafka({ clientId: 'stockhub-bench', brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [
    { name: topic, partitions: 6, description: 'benchmark' },
    { name: levelsTopic, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'benchmark' },
  ]);
  const producer = await connectProducer(kafka);
  const redis = createRedis(config.REDIS_URL, logger);
  const all = events();
  try {
    for (let i = 0; i < all.length; i += 5_000) {
      await producer.send({ topic, acks: -1, messages: all.slice(i, i + 5_000).map((e) => ({ key: e.sku, value: JSON.stringify(e) })) });
    }
    log(`preloaded ${all.length} movements on ${topic}`);
    const levels = new LevelPublisher(pool, producer, new LevelCache(redis, logger), levelsTopic, logger);
    const reconciler = new Reconciler(kafka, pool, levels, { groupId: `bench-${run}`, topic }, logger, createReconcilerMetrics(createMetrics('bench')));
    const started = Date.now();
    await reconciler.start();
    const count = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger WHERE sku LIKE $1', [`BENCH${run}-%`])).rows[0]!.n);
    for (let n = await count(); n < all.length; n = await count()) {
      log(`applied ${n}/${all.length}`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const reconcilerRate = all.length / ((Date.now() - started) / 1000);
    await reconciler.stop();
    log(`reconciler: ${Math.round(reconcilerRate)}/s`);
    const bare = await bareUpsert(pool, all, 1_000);
    process.stdout.write(
      [
        '',
        '| run | throughput |',
        '| --- | --- |',
        `| bare batched PostgreSQL upsert of the same rows, 1,000 per statement (limit) | ${Math.round(bare).toLocaleString('en')} rows/s |`,
        `| reconciler: ledger + levels + outbox + offsets per batch, then stock.levels + Redis | ${Math.round(reconcilerRate).toLocaleString('en')} movements/s |`,
        '',
      ].join('\n'),
    );
  } finally {
    await pool.query('DELETE FROM ledger WHERE sku LIKE $1', [`BENCH${run}-%`]);
    await pool.query('DELETE FROM stock_levels WHERE sku LIKE $1', [`BENCH${run}-%`]);
    await pool.query('DELETE FROM consumer_offsets WHERE group_id = $1', [`bench-${run}`]);
    await admin.deleteTopics({ topics: [topic, levelsTopic] }).catch(() => undefined);
    await admin.disconnect();
    await producer.disconnect();
    redis.disconnect();
    await pool.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${String(error)}\n`);
    process.exit(1);
  },
);
