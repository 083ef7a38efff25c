import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DeadLetter } from '../../core/dlq';
import { InvalidInputError } from '../../core/errors';
import type { Logger } from '../../core/logging';
import type { Metrics } from '../../core/metrics';
import type { StockMovement } from '../../core/model';
import { toMovement, type MovementPublisher } from '../runtime';
import { decodeChangeEvent } from './envelope';
import { mapChangeEvent } from './mapper';
import type { TopicRoute } from './mappings';

export interface DebeziumSinkOptions {
  /** Consumer group; one per deployment, so a restart resumes where the last one committed. */
  groupId: string;
  /** Raw topic -> mapping (loadMappings()). */
  routes: Map<string, TopicRoute>;
  /** Name written into dead letters and logs. Default 'sink-debezium'. */
  workerName?: string;
}

export interface MappedRecord {
  movements: StockMovement[];
  deadLetter: DeadLetter | null;
  outcome: 'mapped' | 'skipped' | 'dead_lettered' | 'tombstone';
}

/**
 * Maps one raw record. Pure apart from the clock: any failure here is a property of the input
 * (bad bytes, an unmapped code, a column missing, and also a bug tripped by odd input), so it
 * becomes a dead letter with its reason instead of stopping the worker.
 */
export function mapRecord(route: TopicRoute, topic: string, partition: number, message: KafkaMessage, workerName: string, logger: Logger): MappedRecord {
  const raw = { topic, partition, offset: message.offset };
  let stage: DeadLetter['stage'] = 'decode';
  try {
    const decoded = decodeChangeEvent(message.value);
    if (decoded.kind === 'tombstone') return { movements: [], deadLetter: null, outcome: 'tombstone' };
    stage = 'map';
    const drafts = mapChangeEvent(route.source, route.table, decoded.event, raw);
    stage = 'validate';
    const ingestedAt = new Date().toISOString();
    const movements = drafts.map((draft) => toMovement(draft, ingestedAt));
    return { movements, deadLetter: null, outcome: movements.length > 0 ? 'mapped' : 'skipped' };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!(error instanceof InvalidInputError)) logger.error({ err: error, ...raw }, 'unexpected error mapping a record; dead-lettered');
    return {
      movements: [],
      outcome: 'dead_lettered',
      deadLetter: {
        reason,
        field: error instanceof InvalidInputError ? error.field : null,
        stage,
        worker: workerName,
        source: raw,
        key: message.key,
        value: message.value,
        at: new Date().toISOString(),
      },
    };
  }
}

/**
 * Consumes the Debezium topics named in the mappings and publishes canonical movements. A
 * batch's offsets are committed only after its movements and dead letters are acknowledged by
 * Kafka (at-least-once); a re-delivered change maps to the same event id, which the ledger
 * de-duplicates.
 */
export class DebeziumSinkWorker {
  private consumer: Consumer | null = null;
  private readonly workerName: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly publisher: MovementPublisher,
    private readonly options: DebeziumSinkOptions,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    this.workerName = options.workerName ?? 'sink-debezium';
  }

  async start(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: this.options.groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.routes.keys()], fromBeginning: true });
    await this.consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
    this.metrics.up.set({ component: this.workerName }, 1);
    this.logger.info({ groupId: this.options.groupId, topics: [...this.options.routes.keys()] }, 'debezium sink started');
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.metrics.up.set({ component: this.workerName }, 0);
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const route = this.options.routes.get(batch.topic);
    if (!route || batch.messages.length === 0) return;
    const movements: StockMovement[] = [];
    const deadLetters: DeadLetter[] = [];
    const done: KafkaMessage[] = [];
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      done.push(message);
      const result = mapRecord(route, batch.topic, batch.partition, message, this.workerName, this.logger);
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
    this.observeLatency(done);
    resolveOffset(last.offset);
    await heartbeat();
    if (movements.length + deadLetters.length > 0) this.logger.info({ topic: batch.topic, partition: batch.partition, published: movements.length, deadLetters: deadLetters.length, lastOffset: last.offset }, 'batch done');
  }

  /** Commit-to-canonical latency, from the Debezium record's own timestamp (taken at the source commit). */
  private observeLatency(messages: KafkaMessage[]): void {
    const now = Date.now();
    const system = this.workerName;
    for (const message of messages) this.metrics.sourceToPublishSeconds.observe({ system }, (now - Number(message.timestamp)) / 1000);
  }
}
