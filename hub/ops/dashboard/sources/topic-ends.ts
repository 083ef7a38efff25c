import type { Admin } from 'kafkajs';

export interface PartitionEnds {
  partition: number;
  /** The next offset to be written. */
  high: number;
  /** The oldest offset still retained. */
  low: number;
}

export type TopicEnds = Map<string, PartitionEnds[]>;

/**
 * Start and end offsets of each topic (one ListOffsets pair per topic). A topic that does not
 * exist (not created yet on this cluster) is left out rather than failing the others.
 */
export async function readTopicEnds(admin: Admin, topics: readonly string[]): Promise<TopicEnds> {
  const results = await Promise.allSettled(topics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const));
  const ends: TopicEnds = new Map();
  for (const result of results) {
    if (result.status !== 'fulfilled') continue;
    const [topic, offsets] = result.value;
    ends.set(
      topic,
      offsets.map((o) => ({ partition: o.partition, high: Number(o.high), low: Number(o.low) })).sort((a, b) => a.partition - b.partition),
    );
  }
  // Every topic failing is Kafka failing, not topics missing.
  const first = results[0];
  if (ends.size === 0 && first?.status === 'rejected') throw first.reason;
  return ends;
}

export const sumHigh = (partitions: readonly PartitionEnds[]): number => partitions.reduce((sum, p) => sum + p.high, 0);
export const retained = (partitions: readonly PartitionEnds[]): number => partitions.reduce((sum, p) => sum + Math.max(0, p.high - p.low), 0);
