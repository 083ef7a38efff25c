import type { Kafka, KafkaMessage } from 'kafkajs';
import type { DeadLetter } from '../../core/dlq';
import { StageConsumer, type BatchPosition, type ConsumedRecord, type ConsumerHealth } from '../../core/kafka';
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
 * Consumes raw topics and publishes what their mapper makes of each record, on the one consumer
 * runtime (core/kafka StageConsumer). A batch's offsets are resolved only after its movements
 * and dead letters are acknowledged by Kafka (at-least-once); a re-delivered record maps to the
 * same event ids, which the ledger de-duplicates. A publish that fails is retried; a crashed
 * consumer restarts.
 */
export class RawTopicWorker {
  private readonly consumer: StageConsumer<KafkaMessage>;

  constructor(
    kafka: Kafka,
    private readonly publisher: MovementPublisher,
    private readonly options: RawTopicWorkerOptions,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    this.consumer = new StageConsumer<KafkaMessage>(
      kafka,
      {
        name: options.name,
        groupId: options.groupId,
        topics: options.topics,
        startFrom: options.fromBeginning ? 'earliest' : 'latest',
        // The mapper turns every failure into a dead letter of its own; decoding happens there.
        stage: { decode: (message) => message, handle: (records, position) => this.handle(records, position) },
        deadLetters: publisher.deadLetterTarget(),
      },
      logger,
      metrics,
    );
  }

  async start(): Promise<void> {
    await this.consumer.start();
  }

  /** True once the consumer has joined its group and until it crashes or stops. */
  isRunning(): boolean {
    return this.consumer.isRunning();
  }

  health(): ConsumerHealth {
    return this.consumer.health();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }

  private async handle(records: ConsumedRecord<KafkaMessage>[], { topic, partition, lastOffset }: BatchPosition): Promise<void> {
    const movements: StockMovement[] = [];
    const deadLetters: DeadLetter[] = [];
    const messages = records.map((r) => r.message);
    await this.options.map.prepare?.(messages);
    const outcomes: string[] = [];
    for (const message of messages) {
      const result = this.options.map(topic, partition, message);
      outcomes.push(result.outcome);
      movements.push(...result.movements);
      if (result.deadLetter) {
        deadLetters.push(result.deadLetter);
        this.logger.warn({ topic, partition, offset: message.offset, reason: result.deadLetter.reason }, 'dead-lettered');
      }
    }
    if (messages.length === 0) return;
    await this.publisher.publish(movements, deadLetters);
    for (const outcome of outcomes) this.metrics.recordsIn.inc({ topic, outcome });
    for (const event of movements) this.logger.debug({ eventId: event.eventId, sku: event.sku, type: event.type }, 'published');
    // From the raw record's timestamp (Debezium's read of the commit, or the edge's receipt) to publication.
    const now = Date.now();
    for (const message of messages) this.metrics.sourceToPublishSeconds.observe({ system: this.options.name }, (now - Number(message.timestamp)) / 1000);
    if (movements.length + deadLetters.length > 0) {
      this.logger.info({ worker: this.options.name, topic, partition, published: movements.length, deadLetters: deadLetters.length, lastOffset }, 'batch done');
    }
  }
}
