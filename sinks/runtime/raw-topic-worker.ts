import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DeadLetter } from '../../core/dlq';
import { commitEndForUncommittedPartitions } from '../../core/kafka';
import type { Logger } from '../../core/logging';
import type { Metrics } from '../../core/metrics';
import type { StockMovement } from '../../core/model';
import type { MovementPublisher } from './publisher';
import type { RecordMapper } from './record-mapper';

export interface RawTopicWorkerOptions {
  /** Name in logs, metrics and dead letters, e.g. 'sink-debezium'. */
  name: string;
  /** Consumer group; one per deployment, so a restart resumes where the last one committed. */
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts: the beginning (snapshots, backlog) or the end. */
  fromBeginning: boolean;
  map: RecordMapper;
}

/**
 * Consumes raw topics and publishes what their mapper makes of each record. A batch's offsets are
 * resolved only after its movements and dead letters are acknowledged by Kafka (at-least-once);
 * a re-delivered record maps to the same event ids, which the ledger de-duplicates.
 */
export class RawTopicWorker {
  private consumer: Consumer | null = null;
  private running = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly publisher: MovementPublisher,
    private readonly options: RawTopicWorkerOptions,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async start(): Promise<void> {
    if (!this.options.fromBeginning) await commitEndForUncommittedPartitions(this.kafka, this.options.groupId, this.options.topics, this.logger);
    // A 10 s session lets a crashed instance's partitions move to a restarted one quickly
    // (kafkajs' default is 30 s); heartbeats every 3 s keep a live one in the group.
    this.consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.running = false;
      this.logger.error({ err: payload.error, restart: payload.restart, worker: this.options.name }, 'consumer crashed');
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.running = true));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning });
    await this.consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
    this.metrics.up.set({ component: this.options.name }, 1);
    this.logger.info({ worker: this.options.name, groupId: this.options.groupId, topics: this.options.topics }, 'worker started');
  }

  /** True once the consumer has joined its group and until it crashes or stops. */
  isRunning(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect();
    this.metrics.up.set({ component: this.options.name }, 0);
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const movements: StockMovement[] = [];
    const deadLetters: DeadLetter[] = [];
    const done: KafkaMessage[] = [];
    await this.options.map.prepare?.(batch.messages);
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      done.push(message);
      const result = this.options.map(batch.topic, batch.partition, message);
      this.metrics.recordsIn.inc({ topic: batch.topic, outcome: result.outcome });
      movements.push(...result.movements);
      if (result.deadLetter) {
        deadLetters.push(result.deadLetter);
        this.logger.warn({ topic: batch.topic, partition: batch.partition, offset: message.offset, reason: result.deadLetter.reason }, 'dead-lettered');
      }
    }
    const last = done[done.length - 1];
    if (last === undefined) return;
    await this.publisher.publish(movements, deadLetters);
    for (const event of movements) this.logger.debug({ eventId: event.eventId, sku: event.sku, type: event.type }, 'published');
    // From the raw record's timestamp (Debezium's read of the commit, or the edge's receipt) to publication.
    const now = Date.now();
    for (const message of done) this.metrics.sourceToPublishSeconds.observe({ system: this.options.name }, (now - Number(message.timestamp)) / 1000);
    resolveOffset(last.offset);
    await heartbeat();
    if (movements.length + deadLetters.length > 0) {
      this.logger.info(
        { worker: this.options.name, topic: batch.topic, partition: batch.partition, published: movements.length, deadLetters: deadLetters.length, lastOffset: last.offset },
        'batch done',
      );
    }
  }
}
