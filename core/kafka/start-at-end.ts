import type { Kafka } from 'kafkajs';
import type { Logger } from '../logging';

/**
 * Starting a consumer group "from the end" with commits, not with kafkajs' latest-offset reset:
 * a partition left without a commit is reset to its end again at every restart (skipping what
 * arrived while the consumer was down), and kafkajs was seen never consuming such a partition
 * that was still empty when the group joined. Commits the current end for every partition the
 * group has no commit for. Another live member of the group makes the broker refuse this; its
 * commits already position the group, so that is only logged.
 */
export async function commitEndForUncommittedPartitions(kafka: Kafka, groupId: string, topics: readonly string[], logger: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      const missing = ends.filter((end) => Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1) < 0);
      if (missing.length > 0) await admin.setOffsets({ groupId, topic, partitions: missing.map((end) => ({ partition: end.partition, offset: end.high })) });
    }
  } catch (error) {
    logger.warn({ err: (error as Error).message, groupId }, 'could not position the new group at the end; another member may be running');
  } finally {
    await admin.disconnect();
  }
}
