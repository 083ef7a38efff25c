import { CompressionTypes, type Producer } from 'kafkajs';
import { chunkBySize } from '../kafka/chunks';
import { toDeadLetterMessage, type DeadLetter } from './dead-letter';

/**
 * Writes a stage's dead letters to its dead-letter topic, acknowledged by every in-sync replica
 * before the caller moves its offset past them: a record is either processed or in the DLQ.
 */
export class DeadLetterWriter {
  constructor(
    private readonly producer: Producer,
    /** The stage's own dead-letter topic (core/topics DLQ_TOPICS). */
    readonly topic: string,
  ) {}

  async write(letters: readonly DeadLetter[]): Promise<void> {
    for (const messages of chunkBySize(letters.map(toDeadLetterMessage))) {
      await this.producer.sendBatch({ topicMessages: [{ topic: this.topic, messages }], acks: -1, compression: CompressionTypes.None });
    }
  }
}
