import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { DeadLetterWriter, type DeadLetter } from '../../dlq';
import type { Logger } from '../../logging';
import type { Metrics } from '../../metrics';
import { backoffDelay } from '../../retry';
import { commitEndForUncommittedPartitions } from '../start-at-end';
import { BatchRunner, decodeAll } from './batch';
import { stageConsumerTuningSchema, type StageConsumerTuning, type StageConsumerTuningInput } from './options';
import type { ConsumerHealth, DeadLetterListener, Stage } from './types';

export interface StageConsumerOptions<T> {
  /** Name in logs, metrics, /health and dead letters, e.g. 'reconciler'. */
  name: string;
  groupId: string;
  topics: string[];
  /**
   * Where a group without committed offsets starts: `earliest`, or `latest` (its current end is
   * committed first, so that a restart does not skip what arrived meanwhile).
   */
  startFrom: 'earliest' | 'latest';
  stage: Stage<T>;
  /** Writes the stage's dead letters; its topic is the stage's own (core/topics DLQ_TOPICS). */
  deadLetters: { producer: Producer; topic: string };
  /** Probes of what `handle` depends on (database, ERP), by name; also shown on /health. */
  dependencies?: Record<string, () => Promise<boolean>>;
  /** Called with each new assignment, to seek partitions to offsets stored elsewhere. */
  onAssigned?: (assignment: Record<string, number[]>, seek: (topic: string, partition: number, offset: string) => void) => void;
  onDeadLetter?: DeadLetterListener;
  tuning?: StageConsumerTuningInput;
}

/**
 * The one consumer runtime: decode, validate, handle a batch, for every stage that consumes a
 * topic (the sinks' raw-topic workers, the reconciler, the ERP write-back, the Shopify channel).
 * - A record that can never be processed goes to the stage's dead-letter topic with its reason,
 *   bytes, headers and position, and the partition goes on (BatchRunner).
 * - A dependency failure is retried with backoff, the batch heartbeating meanwhile, and /health
 *   says what it waits for; nothing is skipped.
 * - A crashed consumer restarts itself with backoff, whatever kafkajs thought of the error.
 * - Offsets are committed to Kafka after each batch (so Kafka-side lag is true), even by a stage
 *   that keeps its own offsets elsewhere.
 */
export class StageConsumer<T> {
  private consumer: Consumer | null = null;
  private readonly tuning: StageConsumerTuning;
  private readonly letters: DeadLetterWriter;
  private joined = false;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private blocked: { since: number; reason: string } | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: StageConsumerOptions<T>,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    this.tuning = stageConsumerTuningSchema.parse(options.tuning ?? {});
    this.letters = new DeadLetterWriter(options.deadLetters.producer, options.deadLetters.topic);
  }

  async start(): Promise<void> {
    if (this.options.startFrom === 'latest') await commitEndForUncommittedPartitions(this.kafka, this.options.groupId, this.options.topics, this.logger);
    await this.connect();
    this.metrics.up.set({ component: this.options.name }, 1);
    this.logger.info({ consumer: this.options.name, groupId: this.options.groupId, topics: this.options.topics }, 'consumer started');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.joined = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.consumer?.disconnect();
    this.metrics.up.set({ component: this.options.name }, 0);
  }

  /** Joined to its group and not crashed. */
  isRunning(): boolean {
    return this.joined;
  }

  /** For /health: down while not joined, or while a batch waits for a failing dependency. */
  health(): ConsumerHealth {
    if (!this.joined) return { ok: false, detail: this.stopping ? 'stopped' : 'not joined to its group (starting or restarting)' };
    if (this.blocked) return { ok: false, detail: `retrying for ${Math.round((Date.now() - this.blocked.since) / 1000)} s: ${this.blocked.reason}` };
    return { ok: true, detail: 'consuming' };
  }

  private async connect(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.tuning.sessionTimeoutMs,
      heartbeatInterval: this.tuning.heartbeatIntervalMs,
      maxWaitTimeInMs: this.tuning.maxWaitTimeMs,
      maxBytesPerPartition: this.tuning.maxBytesPerPartition,
      // kafkajs restarts on retriable crashes by itself; the CRASH handler covers the rest.
      retry: { initialRetryTime: this.tuning.clientRetry.initialMs, maxRetryTime: this.tuning.clientRetry.maxMs, multiplier: this.tuning.clientRetry.factor, restartOnFailure: async () => true },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.restarts = 0;
      // A retry given up with a partition that moved away: what it waited for is no longer ours to report.
      this.onSuccess();
      this.options.onAssigned?.(payload.memberAssignment, (topic, partition, offset) => consumer.seek({ topic, partition, offset }));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.error({ err: payload.error, restart: payload.restart, consumer: this.options.name }, 'consumer crashed');
      if (payload.restart) this.metrics.consumerRestarts.inc({ consumer: this.options.name });
      else if (!this.stopping) this.scheduleRestart();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.startFrom === 'earliest' });
    await consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
  }

  /** A consumer kafkajs gave up on is replaced by a new one, with backoff, until it runs. */
  private scheduleRestart(): void {
    this.restarts += 1;
    const delay = backoffDelay(this.restarts, this.tuning.restartBackoff);
    this.logger.warn({ consumer: this.options.name, restartInMs: delay, attempt: this.restarts }, 'restarting the consumer');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.metrics.consumerRestarts.inc({ consumer: this.options.name });
      const old = this.consumer;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        await this.connect();
        // stop() came while this restart was connecting: it disconnected the old consumer only.
        if (this.stopping) await this.consumer?.disconnect();
      })().catch((error: unknown) => {
        this.logger.error({ err: error, consumer: this.options.name }, 'consumer restart failed');
        if (!this.stopping) this.scheduleRestart();
      });
    }, delay);
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    // Heartbeats go on while a batch is handled or retried, so a slow dependency does not cost the partition.
    const beat = setInterval(() => heartbeat().catch(() => undefined), this.tuning.heartbeatIntervalMs);
    try {
      const runner = new BatchRunner<T>({
        stage: this.options.stage,
        worker: this.options.name,
        writeDeadLetters: (letters) => this.writeDeadLetters(letters),
        dependenciesHealthy: () => this.dependenciesHealthy(),
        live: () => !this.stopping && isRunning() && !isStale(),
        resolved: (offset) => resolveOffset(offset),
        onRetry: (error, attempt, delayMs) => this.onRetry(error, attempt, delayMs),
        onSuccess: () => this.onSuccess(),
        backoff: this.tuning.retryBackoff,
        handleTimeoutMs: this.tuning.handleTimeoutMs,
      });
      const entries = decodeAll(this.options.stage, this.options.name, batch.topic, batch.partition, batch.messages);
      await runner.run(batch.topic, batch.partition, entries);
    } finally {
      clearInterval(beat);
    }
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  private async writeDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    await this.letters.write(letters);
    for (const letter of letters) {
      this.metrics.consumerDeadLetters.inc({ consumer: this.options.name, stage: letter.stage });
      this.logger.warn({ consumer: this.options.name, ...letter.source, stage: letter.stage, field: letter.field, reason: letter.reason, dlq: this.letters.topic }, 'dead-lettered');
      this.options.onDeadLetter?.(letter);
    }
  }

  private async dependenciesHealthy(): Promise<boolean> {
    const failing = await this.failingDependencies();
    return failing.length === 0;
  }

  private async failingDependencies(): Promise<string[]> {
    const probes = Object.entries(this.options.dependencies ?? {});
    const results = await Promise.all(probes.map(async ([name, probe]) => ((await probe().catch(() => false)) ? null : name)));
    return results.filter((name): name is string => name !== null);
  }

  private onRetry(error: unknown, attempt: number, delayMs: number): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.blocked ??= { since: Date.now(), reason };
    this.blocked.reason = reason;
    this.metrics.consumerRetries.inc({ consumer: this.options.name });
    this.metrics.consumerBlocked.set({ consumer: this.options.name }, 1);
    void this.failingDependencies().then((failing) => {
      if (this.blocked && failing.length > 0) this.blocked.reason = `${failing.join(', ')} failing: ${reason}`;
    });
    this.logger.warn({ consumer: this.options.name, err: error, attempt, retryInMs: delayMs }, 'batch failed on a dependency; retrying');
  }

  private onSuccess(): void {
    if (this.blocked === null) return;
    this.logger.info({ consumer: this.options.name, blockedMs: Date.now() - this.blocked.since }, 'dependency back; consuming');
    this.blocked = null;
    this.metrics.consumerBlocked.set({ consumer: this.options.name }, 0);
  }
}
