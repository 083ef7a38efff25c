import { AssignerProtocol, type Admin } from 'kafkajs';
import { RAW_TOPICS } from '../../../../core/topics';
import type { Pool } from 'pg';
import type { TopicEnds } from './topic-ends';

/** What a group has consumed, per topic and partition: the next offset it will read. */
export type Committed = Map<string, Map<number, number>>;

export interface GroupLag {
  group: string;
  /** Where in the flow the group sits, from what it reads: raw topics, the ledger, or a channel. */
  stage: 'normalise' | 'reconcile' | 'channel';
  /** Kafka's group state (Stable, Empty, PreparingRebalance, Dead...); Empty means nobody consumes. */
  state: string | null;
  members: number | null;
  /** Where the offsets compared are kept: the reconciler's are in PostgreSQL, with its ledger. */
  offsetsIn: 'kafka' | 'postgresql';
  topics: Array<{ topic: string; lag: number | null; uncommittedPartitions: number }>;
  /** Sum over topics; null when no partition has an offset to compare. */
  lag: number | null;
  /** Why the offsets could not be read (the reconciler's, when PostgreSQL does not answer). */
  error?: string;
}

export interface KafkaGroup {
  group: string;
  state: string | null;
  members: number | null;
  committed: Committed;
}

const RAW = new Set<string>(Object.values(RAW_TOPICS));

export function stageOf(topics: Iterable<string>, offsetsIn: GroupLag['offsetsIn']): GroupLag['stage'] {
  if (offsetsIn === 'postgresql') return 'reconcile';
  for (const topic of topics) if (RAW.has(topic)) return 'normalise';
  return 'channel';
}

/** Topics the group's members subscribe to: known before the group's first commit. */
function subscribedTopics(members: ReadonlyArray<{ memberMetadata: Buffer }>): string[] {
  const topics = new Set<string>();
  for (const member of members) {
    try {
      for (const topic of AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ?? []) topics.add(topic);
    } catch {
      // Not kafkajs' or Java's consumer protocol: the committed offsets still tell.
    }
  }
  return [...topics];
}

/**
 * The project's consumer groups (id prefix), found rather than listed: a channel added later
 * (the Shopify channel's stockhub-shopify-channel) shows up without a config change. Connect's
 * own worker group has no offsets and is not a consumer group, so protocol type filters it out.
 */
export async function readKafkaGroups(admin: Admin, prefix: string): Promise<KafkaGroup[]> {
  const { groups } = await admin.listGroups();
  const ids = groups.filter((g) => g.groupId.startsWith(prefix) && g.protocolType === 'consumer').map((g) => g.groupId).sort();
  if (ids.length === 0) return [];
  const described = new Map((await admin.describeGroups(ids)).groups.map((g) => [g.groupId, g]));
  return Promise.all(
    ids.map(async (group) => {
      const committed: Committed = new Map();
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group })) {
        committed.set(topic, new Map(partitions.map((p) => [p.partition, Number(p.offset)])));
      }
      const description = described.get(group);
      for (const topic of subscribedTopics(description?.members ?? [])) if (!committed.has(topic)) committed.set(topic, new Map());
      return { group, state: description?.state ?? null, members: description?.members.length ?? null, committed };
    }),
  );
}

/** The reconciler's offsets: stored in the same PostgreSQL transaction as the ledger rows they caused. */
export async function readStoredOffsets(pool: Pool, group: string): Promise<Committed> {
  const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string | number }>(
    'SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1',
    [group],
  );
  const committed: Committed = new Map();
  for (const row of rows) {
    const partitions = committed.get(row.topic) ?? new Map<number, number>();
    partitions.set(row.partition, Number(row.next_offset));
    committed.set(row.topic, partitions);
  }
  return committed;
}

/**
 * Lag = end offset - next offset to read, per partition. A partition the group holds no offset
 * for is, for the reconciler (which starts at the beginning), all it retains; for a Kafka group
 * it is counted apart, not as backlog: a group that starts at the end has no offsets until its
 * first batch, and calling that a backlog would page someone for nothing. Empty partitions have
 * nothing to read either way.
 */
export function lagOf(committed: Committed, ends: TopicEnds, missing: 'from-start' | 'unknown' = 'unknown'): GroupLag['topics'] {
  return [...committed.entries()]
    .filter(([topic]) => ends.has(topic))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([topic, offsets]) => {
      let lag: number | null = null;
      let uncommittedPartitions = 0;
      for (const { partition, high, low } of ends.get(topic)!) {
        const next = offsets.get(partition);
        if (next !== undefined && next >= 0) lag = (lag ?? 0) + Math.max(0, high - next);
        else if (high === low || missing === 'from-start') lag = (lag ?? 0) + (high - low);
        else uncommittedPartitions += 1;
      }
      return { topic, lag, uncommittedPartitions };
    });
}

export const totalLag = (topics: GroupLag['topics']): number | null =>
  topics.reduce<number | null>((sum, t) => (t.lag === null ? sum : (sum ?? 0) + t.lag), null);
