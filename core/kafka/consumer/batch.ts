import type { KafkaMessage } from 'kafkajs';
import type { DeadLetter, DeadLetterStage } from '../../dlq';
import { DependencyError, InvalidInputError, isRetriable } from '../../errors';
import { backoffDelay, type BackoffOptions } from '../../retry';
import type { BatchPosition, ConsumedRecord, Stage } from './types';

/** One consumed message: decoded, or refused with the dead letter that says why. */
export type Entry<T> = { message: KafkaMessage; record: ConsumedRecord<T>; letter: null } | { message: KafkaMessage; record: null; letter: DeadLetter };

export interface BatchRunnerDeps<T> {
  stage: Stage<T>;
  /** Name in dead letters and logs. */
  worker: string;
  writeDeadLetters(letters: readonly DeadLetter[]): Promise<void>;
  /** Every dependency's probe; a final-looking failure while one fails is the dependency's. */
  dependenciesHealthy(): Promise<boolean>;
  /** False once the partition was revoked or the consumer is stopping: give up without resolving. */
  live(): boolean;
  /** The range up to this offset is done (processed or dead-lettered). */
  resolved(offset: string): void;
  /** A retry is about to wait; `attempt` counts from 1. */
  onRetry(error: unknown, attempt: number, delayMs: number): void;
  /** A handle or dead-letter write succeeded: whatever the consumer waited for answers. */
  onSuccess(): void;
  backoff: BackoffOptions;
  handleTimeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const STAGE_OF_ERROR = (error: unknown): DeadLetterStage => (error instanceof InvalidInputError ? 'validate' : 'decode');

export function deadLetterOf(worker: string, topic: string, partition: number, message: KafkaMessage, error: unknown, stage: DeadLetterStage): DeadLetter {
  return {
    reason: error instanceof Error ? error.message : String(error),
    field: error instanceof InvalidInputError ? error.field : null,
    stage,
    worker,
    source: { topic, partition, offset: message.offset },
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    at: new Date().toISOString(),
  };
}

/** Decodes each message of a batch; a decode failure becomes a dead letter, never an exception. */
export function decodeAll<T>(stage: Stage<T>, worker: string, topic: string, partition: number, messages: readonly KafkaMessage[]): Entry<T>[] {
  return messages.map((message) => {
    try {
      return { message, record: { topic, partition, message, value: stage.decode(message, topic, partition) }, letter: null };
    } catch (error) {
      return { message, record: null, letter: deadLetterOf(worker, topic, partition, message, error, STAGE_OF_ERROR(error)) };
    }
  });
}

type Outcome = { ok: true } | { ok: false; aborted: true } | { ok: false; aborted: false; error: unknown };

/**
 * Runs one batch through a stage so that one bad record never blocks the partition, and a
 * dependency failure never skips one:
 * - decode failures go to the dead-letter topic first;
 * - a retriable failure of `handle` (isRetriable, or a dependency probe failing) is retried
 *   with backoff for as long as the partition is ours;
 * - a final failure is narrowed down by halving the range until the one record at fault is
 *   found; it is dead-lettered (stage apply) and the rest goes on.
 */
export class BatchRunner<T> {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: BatchRunnerDeps<T>) {
    this.sleep = deps.sleep ?? defaultSleep;
  }

  /** True when the whole batch is done; false when it gave up because the partition is no longer ours. */
  async run(topic: string, partition: number, entries: Entry<T>[]): Promise<boolean> {
    if (entries.length === 0) return true;
    const letters = entries.flatMap((e) => (e.letter ? [e.letter] : []));
    if (letters.length > 0 && !(await this.persist(letters))) return false;
    return this.segment(topic, partition, entries);
  }

  private async segment(topic: string, partition: number, entries: Entry<T>[]): Promise<boolean> {
    const records = entries.flatMap((e) => (e.record ? [e.record] : []));
    const position: BatchPosition = { topic, partition, lastOffset: entries[entries.length - 1]!.message.offset };
    const outcome = await this.attempt(records, position);
    if (outcome.ok) {
      this.deps.resolved(position.lastOffset);
      return true;
    }
    if (outcome.aborted) return false;
    if (records.length > 1) {
      const middle = records[Math.floor(records.length / 2)]!;
      const split = entries.findIndex((e) => e.record === middle);
      return (await this.segment(topic, partition, entries.slice(0, split))) && this.segment(topic, partition, entries.slice(split));
    }
    const letter = deadLetterOf(this.deps.worker, topic, partition, records[0]!.message, outcome.error, 'apply');
    if (!(await this.persist([letter]))) return false;
    const rest = entries.map((e): Entry<T> => (e.record ? { message: e.message, record: null, letter } : e));
    return this.segment(topic, partition, rest);
  }

  /** Handles a range, retrying while the failure is not the records' fault. */
  private async attempt(records: ConsumedRecord<T>[], position: BatchPosition): Promise<Outcome> {
    for (let n = 1; ; n += 1) {
      if (!this.deps.live()) return { ok: false, aborted: true };
      try {
        await this.withTimeout(this.deps.stage.handle(records, position));
        this.deps.onSuccess();
        return { ok: true };
      } catch (error) {
        // With no record in the range there is nobody to blame: only waiting can help.
        if (records.length > 0 && !(await this.isDependencyFailure(error))) return { ok: false, aborted: false, error };
        const delay = backoffDelay(n, this.deps.backoff);
        this.deps.onRetry(error, n, delay);
        await this.sleep(delay);
      }
    }
  }

  /**
   * Writes dead letters until Kafka takes them or the partition is lost: a dead letter is never
   * dropped. One the broker refuses for good (its original bytes over message.max.bytes) is
   * written without its bytes, its reason saying so, rather than blocking the partition.
   */
  private async persist(letters: readonly DeadLetter[]): Promise<boolean> {
    let pending = letters;
    for (let n = 1; ; n += 1) {
      if (!this.deps.live()) return false;
      try {
        await this.withTimeout(this.deps.writeDeadLetters(pending));
        this.deps.onSuccess();
        return true;
      } catch (error) {
        if (!isRetriable(error) && pending.some((l) => l.value !== null)) {
          const why = error instanceof Error ? error.message : String(error);
          pending = pending.map((l) => ({ ...l, value: null, headers: {}, reason: `${l.reason} (original bytes dropped: the dead-letter topic refused them: ${why})` }));
          continue;
        }
        const delay = backoffDelay(n, this.deps.backoff);
        this.deps.onRetry(error, n, delay);
        await this.sleep(delay);
      }
    }
  }

  private async isDependencyFailure(error: unknown): Promise<boolean> {
    if (isRetriable(error)) return true;
    try {
      return !(await this.withTimeout(this.deps.dependenciesHealthy()));
    } catch {
      return true;
    }
  }

  private withTimeout<R>(work: Promise<R>): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new DependencyError(`no answer within ${this.deps.handleTimeoutMs} ms`, 'timeout')), this.deps.handleTimeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
