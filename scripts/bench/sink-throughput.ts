/**
 * Benchmark: raw Debezium events -> canonical stock.movement.v1, through the real sink code
 * (RawTopicWorker + the declarative ERP journal mapping + validation + the services'
 * acks=-1 producer), beside the bare limit measured in the same run: a kafkajs consumer that copies the
 * same records to another topic with the same producer settings and no mapping.
 *
 *   npx tsx scripts/bench/sink-throughput.ts        (stack up first; BENCH_EVENTS=200000 BENCH_RATE=5000)
 *
 * Phase 1 preloads BENCH_EVENTS records and measures how fast each pipeline drains them.
 * Phase 2 feeds records at BENCH_RATE/s (the 5x Black Friday peak is ~150/s; this is far above)
 * and measures raw-record -> canonical-record latency from the two records' CreateTimes.
 * Everything runs on topics of its own, deleted at the end.
 */
import '../development-env';
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { chunkBySize, connectProducer, createKafka, ensureTopics } from '../../core/kafka';
import { createLogger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import { debeziumRecordMapper, loadMappings, type TopicRoute } from '../../sinks/debezium';
import { MovementPublisher, RawTopicWorker } from '../../sinks/runtime';
import { journalInsert } from './debezium-events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const RATE = Number(process.env.BENCH_RATE ?? 5_000);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 10);

const id = randomUUID().slice(0, 8);
const T = { raw: `bench.${id}.raw`, copy: `bench.${id}.copy`, canonical: `bench.${id}.canonical`, dlq: `bench.${id}.dlq`, paced: `bench.${id}.paced`, pacedOut: `bench.${id}.paced-canonical` };
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function preload(producer: Producer, topic: string, count: number): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < count; start += 5_000) {
    const messages = Array.from({ length: Math.min(5_000, count - start) }, (_, i) => journalInsert(start + i, now));
    await producer.send({ topic, messages, acks: -1 });
    if ((start / 5_000) % 10 === 0) log(`preloaded ${start + messages.length}/${count}`);
  }
}

/** The bare limit: consume and re-produce the same bytes, nothing else. */
async function bareCopy(kafka: Kafka, producer: Producer): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-${id}-bare`, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: T.raw, fromBeginning: true });
  let copied = 0;
  const started = Date.now();
  await new Promise<void>((done) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const messages of chunkBySize(batch.messages.map((m) => ({ key: m.key, value: m.value })))) {
          await producer.sendBatch({ acks: -1, topicMessages: [{ topic: T.copy, messages }] });
        }
        copied += batch.messages.length;
        if (copied >= EVENTS) done();
      },
    });
  });
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  return EVENTS / seconds;
}

function benchRoutes(topic: string): Map<string, TopicRoute> {
  const journal = loadMappings().get('erp.ERPADM.STKJRNL')!;
  return new Map([[topic, { source: journal.source, table: { ...journal.table, topic } }]]);
}

/** The sink as deployed: RawTopicWorker + Debezium mapper + publisher. Resolves when `count` records are mapped. */
async function sink(kafka: Kafka, producer: Producer, from: string, to: string, count: number): Promise<{ worker: RawTopicWorker; drained: Promise<number> }> {
  const logger = createLogger('bench-sink', 'warn');
  const metrics = createMetrics('bench');
  const map = debeziumRecordMapper(benchRoutes(from), 'bench-sink', logger);
  let mapped = 0;
  let finish!: (seconds: number) => void;
  const drained = new Promise<number>((resolve) => (finish = resolve));
  const started = Date.now();
  const counting: typeof map = (topic, partition, message) => {
    const result = map(topic, partition, message);
    if (++mapped === count) setImmediate(() => finish((Date.now() - started) / 1000));
    return result;
  };
  const worker = new RawTopicWorker(kafka, new MovementPublisher(producer, metrics, { movements: to, deadLetters: T.dlq }), { name: 'bench-sink', groupId: `bench-${id}-sink-${from}`, topics: [from], fromBeginning: true, map: counting }, logger, metrics);
  await worker.start();
  return { worker, drained };
}

async function pacedLatency(kafka: Kafka, producer: Producer): Promise<number[]> {
  const total = RATE * PACED_SECONDS;
  const rawTimes = new Map<string, number>();
  const latencies: number[] = [];
  const out = kafka.consumer({ groupId: `bench-${id}-paced-out`, maxWaitTimeInMs: 20 });
  await out.connect();
  await out.subscribe({ topic: T.pacedOut, fromBeginning: true });
  void out.run({
    eachMessage: async ({ message }) => {
      const raw = (JSON.parse(message.value!.toString()) as { source: { raw: { partition: number; offset: string } } }).source.raw;
      const sent = rawTimes.get(`${raw.partition}:${raw.offset}`);
      if (sent !== undefined) latencies.push(Number(message.timestamp) - sent);
    },
  });
  const { worker, drained } = await sink(kafka, producer, T.paced, T.pacedOut, total);
  const tick = 50;
  const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
  const started = Date.now();
  for (let sent = 0; sent < total; sent += perTick) {
    const now = Date.now();
    const messages = Array.from({ length: Math.min(perTick, total - sent) }, (_, i) => journalInsert(EVENTS + sent + i, now));
    const acks = await producer.send({ topic: T.paced, messages, acks: -1 });
    for (const ack of acks) {
      for (let i = 0; i < messages.length; i++) if (ack.baseOffset !== undefined) rawTimes.set(`${ack.partition}:${BigInt(ack.baseOffset) + BigInt(i)}`, now);
    }
    const wait = started + ((sent + perTick) / RATE) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await drained;
  await new Promise((r) => setTimeout(r, 1_000));
  await worker.stop();
  await out.disconnect();
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const config = loadConfig(stackConfigSchema);
  const logger = createLogger('bench', 'warn');
  const kafka = createKafka({ clientId: 'stockhub-bench', brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [
    ...[T.raw, T.copy, T.canonical, T.paced, T.pacedOut].map((name) => ({ name, partitions: 6, description: 'benchmark' })),
    { name: T.dlq, partitions: 1, description: 'benchmark' },
  ]);
  const producer = await connectProducer(kafka);
  try {
    log(`run ${id}: ${EVENTS} events, then ${RATE}/s for ${PACED_SECONDS} s`);
    await preload(producer, T.raw, EVENTS);
    const rssBefore = process.memoryUsage().rss;
    log('bare kafkajs consume -> produce ...');
    const bare = await bareCopy(kafka, producer);
    log(`bare: ${Math.round(bare)}/s`);
    log('sink (map + validate + publish) ...');
    const { worker, drained } = await sink(kafka, producer, T.raw, T.canonical, EVENTS);
    const sinkRate = EVENTS / (await drained);
    await worker.stop();
    const rssPeak = process.memoryUsage().rss;
    log(`sink: ${Math.round(sinkRate)}/s`);
    log(`paced latency at ${RATE}/s ...`);
    const lat = await pacedLatency(kafka, producer);
    const rows = [
      ['bare kafkajs consume -> produce (limit)', `${Math.round(bare).toLocaleString('en')} events/s`],
      ['sink: Debezium -> stock.movement.v1', `${Math.round(sinkRate).toLocaleString('en')} events/s (${Math.round((100 * sinkRate) / bare)}% of the limit)`],
      [`latency at ${RATE}/s, raw record -> canonical record`, `p50 ${percentile(lat, 50)} ms, p95 ${percentile(lat, 95)} ms, p99 ${percentile(lat, 99)} ms, max ${lat[lat.length - 1]} ms (${lat.length} samples)`],
      ['bench process RSS', `${Math.round(rssBefore / 2 ** 20)} MiB before, ${Math.round(rssPeak / 2 ** 20)} MiB after the sink run`],
    ];
    process.stdout.write(`\n| measure | result |\n| --- | --- |\n${rows.map((r) => `| ${r[0]} | ${r[1]} |`).join('\n')}\n`);
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: Object.values(T) }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${String(error)}\n`);
    process.exit(1);
  },
);
