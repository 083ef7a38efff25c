import type { Admin } from 'kafkajs';
import { DependencyError } from '../errors';
import type { TopicSpec } from '../topics';

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/**
 * Creates the topics that are missing and checks the partition count of those that exist
 * (a topic with fewer partitions than declared would break the scaling assumptions; one with
 * more is left alone because shrinking is impossible).
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !present.has(spec.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        // -1: the broker's default.replication.factor, which scripts/stack sets to the cluster's (1, or 3 of 3+ nodes).
        replicationFactor: -1,
        configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    for (const spec of missing) await waitForLeaders(admin, spec.name);
  }
  const existing = specs.filter((spec) => present.has(spec.name));
  if (existing.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: existing.map((spec) => spec.name) });
    for (const topic of metadata.topics) {
      const spec = existing.find((candidate) => candidate.name === topic.name);
      if (spec && topic.partitions.length < spec.partitions) {
        await admin.createPartitions({ topicPartitions: [{ topic: topic.name, count: spec.partitions }] });
      }
    }
  }
  return { created: missing.map((spec) => spec.name), existing: existing.map((spec) => spec.name) };
}

/**
 * Until every partition of a new topic has a leader. Not kafkajs' waitForLeaders: a broker of a
 * cluster that has not heard of the topic yet answers its metadata request with an error that
 * fails the creation, where asking again a moment later succeeds.
 */
async function waitForLeaders(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      if (topics[0]!.partitions.length > 0 && topics[0]!.partitions.every((p) => p.leader >= 0)) return;
    } catch (error) {
      if (Date.now() > deadline) throw new DependencyError(`topic ${topic} has no leaders 30 s after its creation`, 'kafka', { cause: error });
    }
    if (Date.now() > deadline) throw new DependencyError(`topic ${topic} has partitions without a leader 30 s after its creation`, 'kafka');
    await new Promise((r) => setTimeout(r, 250));
  }
}
