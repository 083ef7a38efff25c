import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { decodeJson, createProducer, StageConsumer, type BatchPosition, type ConsumedRecord, type ConsumerHealth, type StageConsumerTuningInput } from '../../core/kafka';
import type { Logger } from '../../core/logging';
import { parseMovement, type StockMovement } from '../../core/model';
import { DependencyError } from '../../core/errors';
import { TOPICS } from '../../core/topics';
import { inTransaction } from '../db';
import type { LevelPublisher } from '../levels';
import { levelKey, lockLevels, saveLevels } from '../levels';
import { applyMovements } from './apply';
import { appendLedger, knownEventIds, loadOffsets, saveOffsets, sumDeltasAfter, type Incoming, type LedgerEntry } from '../ledger';
import type { ReconcilerMetrics } from './metrics';

export interface ReconcilerOptions {
  /** Consumer group on the movements topic; its offsets live in PostgreSQL (consumer_offsets). */
  groupId: string;
  /** Default stock.movements. */
  topic: string;
  /** The reconciler's dead-letter topic. Default stock.reconciler.dlq. */
  deadLetterTopic?: string;
  tuning?: StageConsumerTuningInput;
}

/**
 * Applies canonical movements to the ledger and levels with exactly-once effect: a batch's
 * ledger rows, level changes, outbox rows and its next offset are one PostgreSQL transaction, and
 * a re-delivered event id is skipped. The offsets stored in PostgreSQL are the truth: the consumer
 * seeks to them when it is given a partition, and each batch drops what they already cover (a
 * partition that moved between instances, or a seek that came late). Kafka's committed offsets
 * follow, for lag.
 */
export class Reconciler {
  private readonly consumer: StageConsumer<StockMovement>;
  private offsets = new Map<number, string>();
  /** Its own, for dead letters: the level publisher's producer is busy with the outbox. */
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly pool: Pool,
    private readonly levels: LevelPublisher,
    private readonly options: ReconcilerOptions,
    private readonly logger: Logger,
    private readonly reconcilerMetrics: ReconcilerMetrics,
  ) {
    this.producer = createProducer(kafka);
    this.consumer = new StageConsumer<StockMovement>(
      kafka,
      {
        name: 'reconciler',
        groupId: options.groupId,
        topics: [options.topic],
        startFrom: 'earliest',
        stage: { decode: (message) => parseMovement(decodeJson(message)), handle: (records, position) => this.handle(records, position) },
        deadLetters: { producer: this.producer, topic: options.deadLetterTopic ?? TOPICS.reconcilerDlq },
        dependencies: { postgres: async () => (await pool.query('SELECT 1')).rowCount === 1 },
        // Another instance may have moved the partition on since this one last held it.
        onAssigned: (assignment, seek) => void this.seekToStored(assignment[options.topic] ?? [], seek),
        onDeadLetter: () => reconcilerMetrics.invalid.inc(),
        tuning: options.tuning,
      },
      logger,
      reconcilerMetrics.service,
    );
  }

  async start(): Promise<void> {
    await this.levels.drain(); // what a crashed predecessor committed but did not publish
    this.offsets = await loadOffsets(this.pool, this.options.groupId, this.options.topic);
    await this.producer.connect();
    await this.consumer.start();
    this.logger.info({ groupId: this.options.groupId, topic: this.options.topic, storedOffsets: Object.fromEntries(this.offsets) }, 'reconciler started');
  }

  isRunning(): boolean {
    return this.consumer.isRunning();
  }

  private async seekToStored(partitions: readonly number[], seek: (topic: string, partition: number, offset: string) => void): Promise<void> {
    const stored = await loadOffsets(this.pool, this.options.groupId, this.options.topic).catch(() => this.offsets);
    for (const partition of partitions) {
      const next = stored.get(partition);
      if (next === undefined) continue;
      this.remember(partition, next);
      seek(this.options.topic, partition, next);
    }
  }

  /** Never backwards: a handle that timed out may still commit after its retry did. */
  private remember(partition: number, next: string): void {
    const known = this.offsets.get(partition);
    if (known === undefined || BigInt(next) > BigInt(known)) this.offsets.set(partition, next);
  }

  health(): ConsumerHealth {
    return this.consumer.health();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.disconnect();
  }

  private async handle(records: ConsumedRecord<StockMovement>[], position: BatchPosition): Promise<void> {
    const started = Date.now();
    const entries = await this.applyBatch(records, position);
    if (entries !== null) this.observe(entries, Date.now() - started);
    // Also after a retry whose transaction had committed: its levels may still be in the outbox.
    // The batch is in the ledger by now: a failure here is the broker's or the cache's, never a record's.
    await this.levels.drain().catch((error: unknown) => {
      throw new DependencyError('level outbox not drained', 'kafka', { cause: error });
    });
  }

  /** Null when the stored offset already covers the whole range. */
  private async applyBatch(records: ConsumedRecord<StockMovement>[], { topic, partition, lastOffset }: BatchPosition): Promise<LedgerEntry[] | null> {
    const next = String(BigInt(lastOffset) + 1n);
    const entries = await inTransaction(this.pool, async (db) => {
      const stored = (await loadOffsets(db, this.options.groupId, topic)).get(partition);
      if (stored !== undefined && BigInt(stored) >= BigInt(next)) return null;
      const incoming: Incoming[] = records
        .filter((r) => stored === undefined || BigInt(r.message.offset) >= BigInt(stored))
        .map((r) => ({ event: r.value, kafka: { topic, partition, offset: r.message.offset } }));
      const keys = new Map(incoming.map(({ event }) => [levelKey(event.sku, event.locationId), { sku: event.sku, locationId: event.locationId }]));
      const levels = await lockLevels(db, [...keys.values()]);
      const seen = await knownEventIds(db, incoming.map((i) => i.event.eventId));
      const later = new Map<string, number>();
      for (const { event } of incoming) {
        const level = levels.get(levelKey(event.sku, event.locationId))!;
        const at = Date.parse(event.occurredAt);
        if (event.type === 'COUNT' && level.lastDeltaAt !== null && level.lastDeltaAt > at) {
          later.set(`${levelKey(event.sku, event.locationId)}|${at}`, await sumDeltasAfter(db, event.sku, event.locationId, at));
        }
      }
      const before = new Map([...levels].map(([k, l]) => [k, l.version]));
      const applied = applyMovements(levels, incoming, seen, (sku, locationId, at) => later.get(`${levelKey(sku, locationId)}|${at}`) ?? 0);
      await appendLedger(db, applied);
      await saveLevels(db, [...levels.values()].filter((l) => l.version !== before.get(levelKey(l.sku, l.locationId))));
      await saveOffsets(db, this.options.groupId, topic, new Map([[partition, next]]));
      return applied;
    });
    this.remember(partition, next);
    for (const e of entries ?? []) {
      this.logger.debug({ eventId: e.event.eventId, sku: e.event.sku, locationId: e.event.locationId, effect: e.effect, onHand: e.onHandAfter }, 'applied');
    }
    return entries;
  }

  private observe(entries: readonly LedgerEntry[], ms: number): void {
    const now = Date.now();
    for (const e of entries) {
      this.reconcilerMetrics.applied.inc({ effect: e.effect, type: e.event.type });
      if (e.wentNegative) {
        this.reconcilerMetrics.negative.inc();
        this.logger.warn({ eventId: e.event.eventId, sku: e.event.sku, locationId: e.event.locationId, onHand: e.onHandAfter }, 'on-hand went negative');
      }
      this.reconcilerMetrics.ingestToApplied.observe((now - Date.parse(e.event.ingestedAt)) / 1000);
    }
    this.reconcilerMetrics.batchSeconds.observe(ms / 1000);
  }
}
