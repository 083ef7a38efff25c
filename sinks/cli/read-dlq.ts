import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { fromDeadLetterMessage, type DeadLetter } from '../../core/dlq';
import { TOPICS } from '../../core/topics';

export interface DlqEntry {
  /** The dead-letter topic it sits on, and where. */
  dlq: string;
  partition: number;
  offset: string;
  letter: DeadLetter;
}

/**
 * Reads a whole dead-letter topic (default the sinks', stock.movements.dlq) up to its current
 * end, with a throw-away consumer group that commits nothing and is deleted afterwards (the CLI
 * only looks). Calls `progress(read, total)` as it goes.
 */
export async function readDeadLetters(kafka: Kafka, progress: (read: number, total: number) => void, dlq: string = TOPICS.movementsDlq): Promise<DlqEntry[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(dlq);
  const remaining = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  const total = ends.reduce((sum, e) => sum + Number(e.high) - Number(e.low), 0);
  const entries: DlqEntry[] = [];
  if (remaining.size === 0) {
    await admin.disconnect();
    return entries;
  }

  const groupId = `stockhub-dlq-cli-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: dlq, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const end = remaining.get(partition);
          if (end === undefined || Number(message.offset) >= end) return;
          entries.push({ dlq, partition, offset: message.offset, letter: fromDeadLetterMessage(message) });
          if (entries.length % 1000 === 0) progress(entries.length, total);
          if (Number(message.offset) + 1 >= end) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  progress(entries.length, total);
  return entries.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}
