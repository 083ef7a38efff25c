import { CompressionTypes, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { chunkBySize } from '../../core/kafka';
import { toDeadLetterMessage, type DeadLetter } from '../../core/dlq';
import type { Metrics } from '../../core/metrics';
import { MOVEMENT_SCHEMA_VERSION, parseMovement, type MovementDraft, type StockMovement } from '../../core/model';
import { TOPICS } from '../../core/topics';

/**
 * Stamps the envelope fields on a draft and validates it: the one gate into stock.movements.
 * Business time is normalized to UTC, so that times from sources in different zones compare as
 * strings in the ledger.
 */
export function toMovement(draft: MovementDraft, ingestedAt: string): StockMovement {
  const event = parseMovement({ ...draft, schema: MOVEMENT_SCHEMA_VERSION, ingestedAt });
  return { ...event, occurredAt: new Date(event.occurredAt).toISOString() };
}

export function movementMessage(event: StockMovement): Message {
  return {
    key: event.sku,
    value: JSON.stringify(event),
    headers: { eventId: event.eventId, schema: event.schema, 'source.system': event.source.system },
  };
}

export interface PublisherTopics {
  /** Default stock.movements. */
  movements: string;
  /** Default stock.movements.dlq. */
  deadLetters: string;
}

/**
 * Writes canonical movements (key = SKU, so one SKU's movements stay ordered) and dead letters.
 * Every send reaches every partition it names or fails whole (core/kafka createProducer) and waits
 * for all in-sync replicas (acks=-1): a caller that commits its input offset, or answers an HTTP
 * request, after `publish` resolves has lost nothing.
 *
 * Everything one call writes goes in as few produce requests as the size limit allows: the
 * kafkajs producer has one request in flight and does not merge concurrent sends, so
 * each extra request is a broker round trip that every other caller of the same producer waits
 * behind.
 */
export class MovementPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly metrics: Metrics,
    /** Benchmarks point these at topics of their own. */
    private readonly topics: PublisherTopics = { movements: TOPICS.movements, deadLetters: TOPICS.movementsDlq },
  ) {}

  /** Where the consumer runtime writes the dead letters it finds itself (a publish the broker refuses for a record's content). */
  deadLetterTarget(): { producer: Producer; topic: string } {
    return { producer: this.producer, topic: this.topics.deadLetters };
  }

  /**
   * @param alongside records for other topics written in the first produce request, such as a
   *   till post's audit copy: acknowledged together with the movements, or not at all.
   */
  async publish(events: readonly StockMovement[], deadLetters: readonly DeadLetter[] = [], alongside: readonly TopicMessages[] = []): Promise<void> {
    const movementSlices = chunkBySize(events.map(movementMessage));
    const letterSlices = chunkBySize(deadLetters.map(toDeadLetterMessage));
    // Slices go one request after the other: one request in flight keeps them in order per partition.
    const requests = Math.max(movementSlices.length, letterSlices.length, alongside.length > 0 ? 1 : 0);
    for (let i = 0; i < requests; i += 1) {
      const topicMessages: TopicMessages[] = i === 0 ? [...alongside] : [];
      const movements = movementSlices[i];
      const letters = letterSlices[i];
      if (movements) topicMessages.push({ topic: this.topics.movements, messages: movements });
      if (letters) topicMessages.push({ topic: this.topics.deadLetters, messages: letters });
      await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
    }
    for (const event of events) this.metrics.movementsOut.inc({ system: event.source.system });
    for (const letter of deadLetters) this.metrics.deadLetters.inc({ stage: letter.stage });
  }
}
