import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import { toDeadLetterMessage, type DeadLetter } from '../../core/dlq';
import { InvalidInputError } from '../../core/errors';
import type { Metrics } from '../../core/metrics';
import { MOVEMENT_SCHEMA_VERSION, stockMovementSchema, type MovementDraft, type StockMovement } from '../../core/model';
import { TOPICS } from '../../core/topics';

/**
 * Stamps the envelope fields on a draft and validates it: the one gate into stock.movements.
 * Business time is normalized to UTC, so that times from sources in different zones compare as
 * strings in the ledger.
 */
export function toMovement(draft: MovementDraft, ingestedAt: string): StockMovement {
  const parsed = stockMovementSchema.safeParse({ ...draft, schema: MOVEMENT_SCHEMA_VERSION, ingestedAt });
  if (parsed.success) return { ...parsed.data, occurredAt: new Date(parsed.data.occurredAt).toISOString() };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  throw new InvalidInputError(`canonical event invalid: ${field}: ${issue.message}`, field);
}

export function movementMessage(event: StockMovement): Message {
  return {
    key: event.sku,
    value: JSON.stringify(event),
    headers: { eventId: event.eventId, schema: event.schema, 'source.system': event.source.system },
  };
}

/**
 * Writes canonical movements (key = SKU, so one SKU's movements stay ordered) and dead letters.
 * The producer is idempotent and every send waits for all in-sync replicas (acks=-1): a caller
 * that commits its input offset, or answers an HTTP request, after `publish` resolves has lost
 * nothing.
 */
export class MovementPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly metrics: Metrics,
  ) {}

  async publish(events: readonly StockMovement[], deadLetters: readonly DeadLetter[] = []): Promise<void> {
    const topicMessages = [];
    if (events.length > 0) topicMessages.push({ topic: TOPICS.movements, messages: events.map(movementMessage) });
    if (deadLetters.length > 0) topicMessages.push({ topic: TOPICS.movementsDlq, messages: deadLetters.map(toDeadLetterMessage) });
    if (topicMessages.length === 0) return;
    await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
    for (const event of events) this.metrics.movementsOut.inc({ system: event.source.system });
    for (const letter of deadLetters) this.metrics.deadLetters.inc({ stage: letter.stage });
  }
}
