import type { KafkaMessage } from 'kafkajs';
import type { DeadLetter } from '../../core/dlq';
import { InvalidInputError } from '../../core/errors';
import type { Logger } from '../../core/logging';
import type { MovementDraft, StockMovement } from '../../core/model';
import { toMovement } from './publisher';

export interface MappedRecord {
  movements: StockMovement[];
  deadLetter: DeadLetter | null;
  outcome: 'mapped' | 'skipped' | 'dead_lettered' | 'tombstone';
}

/**
 * Maps one raw record of a topic; never throws (failures come back as dead letters). A mapper
 * that needs outside state (a lookup in Shopify, Redis) has `prepare`, awaited once per batch
 * before its records are mapped; a retriable failure there fails the batch, which is retried.
 */
export type RecordMapper = ((topic: string, partition: number, message: KafkaMessage) => MappedRecord) & {
  prepare?: (messages: readonly KafkaMessage[]) => Promise<void>;
};

/** What a source's mapping does with one record: null for a tombstone, else its drafts. */
export type DraftMapper = (message: KafkaMessage, raw: { topic: string; partition: number; offset: string }, setStage: (stage: DeadLetter['stage']) => void) => MovementDraft[] | null;

/**
 * Wraps a source's mapping into a RecordMapper: stamps and validates the drafts, and turns any
 * failure into a dead letter with its reason and the original bytes. Failures here are properties
 * of the input (bad bytes, an unmapped code, a missing column, or a bug tripped by odd input),
 * so the worker records them and goes on instead of stopping.
 */
export function recordMapper(worker: string, logger: Logger, mapDrafts: DraftMapper): RecordMapper {
  return (topic, partition, message) => {
    const raw = { topic, partition, offset: message.offset };
    let stage: DeadLetter['stage'] = 'decode';
    try {
      const drafts = mapDrafts(message, raw, (next) => (stage = next));
      if (drafts === null) return { movements: [], deadLetter: null, outcome: 'tombstone' };
      stage = 'validate';
      const ingestedAt = new Date().toISOString();
      const movements = drafts.map((draft) => toMovement(draft, ingestedAt));
      return { movements, deadLetter: null, outcome: movements.length > 0 ? 'mapped' : 'skipped' };
    } catch (error) {
      if (!(error instanceof InvalidInputError)) logger.error({ err: error, ...raw }, 'unexpected error mapping a record; dead-lettered');
      return {
        movements: [],
        outcome: 'dead_lettered',
        deadLetter: {
          reason: error instanceof Error ? error.message : String(error),
          field: error instanceof InvalidInputError ? error.field : null,
          stage,
          worker,
          source: raw,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
          at: new Date().toISOString(),
        },
      };
    }
  };
}
