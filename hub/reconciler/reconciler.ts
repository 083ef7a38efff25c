import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from '../../core/logging';
import { checkMovement } from '../../core/model';
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
}

/**
 * Applies canonical movements to the ledger and levels with exactly-once effect: a batch's
 * ledger rows, level changes, outbox rows and its next offset are one PostgreSQL transaction, and
 * a re-delivered event id is skipped. After a crash, the consumer seeks to the offsets stored in
 * PostgreSQL (Kafka's own committed offsets are kept only for lag monitoring).
 */
export class Reconciler {
  private consumer: Consumer | null = null;
  private offsets = new Map<number, string>();
  private running = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly pool: Pool,
    private readonly levels: LevelPublisher,
    private readonly options: ReconcilerOptions,
    private readonly logger: Logger,
    private readonly metrics: ReconcilerMetrics,
  ) {}

  async start(): Promise<void> {
    await this.levels.drain(); // what a crashed predecessor committed but did not publish
    this.offsets = await loadOffsets(this.pool, this.options.groupId, this.options.topic);
    this.consumer = this.kafka.consumer({ groupId: this.options.groupId, sessionTimeout: 10_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 100 });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.running = true;
      for (const partition of payload.memberAssignment[this.options.topic] ?? []) {
        const next = this.offsets.get(partition);
        if (next !== undefined) this.consumer!.seek({ topic: this.options.topic, partition, offset: next });
      }
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.running = false;
      this.logger.error({ err: payload.error, restart: payload.restart }, 'reconciler consumer crashed');
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
    this.logger.info({ groupId: this.options.groupId, topic: this.options.topic, storedOffsets: Object.fromEntries(this.offsets) }, 'reconciler started');
  }

  isRunning(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect();
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const stored = this.offsets.get(batch.partition);
    const fresh = batch.messages.filter((m) => stored === undefined || BigInt(m.offset) >= BigInt(stored));
    const last = batch.messages[batch.messages.length - 1];
    if (last === undefined) return;
    if (fresh.length > 0) {
      const started = Date.now();
      const entries = await this.applyBatch(batch.topic, batch.partition, fresh);
      this.observe(entries, Date.now() - started);
      await this.levels.drain();
    }
    resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  private async applyBatch(topic: string, partition: number, messages: KafkaMessage[]): Promise<LedgerEntry[]> {
    const incoming: Incoming[] = [];
    for (const message of messages) {
      const checked = checkMovement(message.value === null ? null : JSON.parse(message.value.toString('utf8')));
      // The sinks' gate let nothing invalid through; a record that is invalid anyway is logged and counted, never applied.
      if (!checked.ok) {
        this.metrics.invalid.inc();
        this.logger.error({ topic, partition, offset: message.offset, field: checked.field, reason: checked.message }, 'invalid canonical event skipped');
        continue;
      }
      incoming.push({ event: checked.event, kafka: { topic, partition, offset: message.offset } });
    }
    const next = String(BigInt(messages[messages.length - 1]!.offset) + 1n);
    const entries = await inTransaction(this.pool, async (db) => {
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
    this.offsets.set(partition, next);
    for (const e of entries) {
      this.logger.debug({ eventId: e.event.eventId, sku: e.event.sku, locationId: e.event.locationId, effect: e.effect, onHand: e.onHandAfter }, 'applied');
    }
    return entries;
  }

  private observe(entries: readonly LedgerEntry[], ms: number): void {
    const now = Date.now();
    for (const e of entries) {
      this.metrics.applied.inc({ effect: e.effect, type: e.event.type });
      if (e.wentNegative) {
        this.metrics.negative.inc();
        this.logger.warn({ eventId: e.event.eventId, sku: e.event.sku, locationId: e.event.locationId, onHand: e.onHandAfter }, 'on-hand went negative');
      }
      this.metrics.ingestToApplied.observe((now - Date.parse(e.event.ingestedAt)) / 1000);
    }
    this.metrics.batchSeconds.observe(ms / 1000);
  }
}
