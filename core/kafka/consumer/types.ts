import type { KafkaMessage } from 'kafkajs';
import type { DeadLetter } from '../../dlq';

/** A record that decoded: its place in the topic and what the stage made of its bytes. */
export interface ConsumedRecord<T> {
  topic: string;
  partition: number;
  message: KafkaMessage;
  value: T;
}

/** Where a handle call ends: the offset of the last message it covers (dead letters included). */
export interface BatchPosition {
  topic: string;
  partition: number;
  lastOffset: string;
}

/**
 * What a stage does with its records. A StageConsumer calls `decode` on every record, sends
 * those that throw to the dead-letter topic, and gives the rest, in order, to `handle`.
 */
export interface Stage<T> {
  /**
   * The stage's view of one record's bytes. Throws for a record that can never be processed: not
   * JSON (a SyntaxError: stage `decode`), or invalid for this stage (an InvalidInputError naming
   * the field: stage `validate`).
   */
  decode(message: KafkaMessage, topic: string, partition: number): T;
  /**
   * Processes records in offset order, idempotently (a batch may be handled again after a crash
   * or a retry). `records` may be empty when every record of the range was dead-lettered: a
   * stage that stores its own offsets stores `position` then. A retriable failure (isRetriable,
   * or a dependency probe failing) is retried with backoff; a final one is narrowed down to the
   * one record at fault, which is dead-lettered with stage `apply`.
   */
  handle(records: ConsumedRecord<T>[], position: BatchPosition): Promise<void>;
}

/** What a StageConsumer tells about itself on /health. */
export interface ConsumerHealth {
  ok: boolean;
  detail: string;
}

export type DeadLetterListener = (letter: DeadLetter) => void;
