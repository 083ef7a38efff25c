import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { StockHubError } from '../../../core/errors';
import { DLQ_TOPICS, TOPICS } from '../../../core/topics';
import { sharedFor } from './cache';
import type { DashboardConfig } from './config';
import type { SharedAdmin } from './kafka-admin';
import { timeboxed, type Section } from './section';
import { readCapture, type CaptureMetrics } from './sources/capture';
import { readConnectors, type ConnectorState } from './sources/connect';
import { lagOf, readKafkaGroups, readStoredOffsets, stageOf, totalLag, type GroupLag, type KafkaGroup } from './sources/consumer-groups';
import { LedgerActivity, type SystemActivity } from './sources/ledger-activity';
import { RawTopicTracker, type RawTopicState } from './sources/raw-topics';
import { readShopifyChannel, readShopifyQueue, type ShopifyChannelState, type ShopifyQueue } from './sources/shopify';
import { readStoreFeeds, type StoreFeeds } from './sources/stores';
import { readTopicEnds, retained, type TopicEnds } from './sources/topic-ends';

/** GET /v1/ops/flow: one summary of every stage, each part available or not on its own. */
export interface FlowSummary {
  generatedAt: string;
  /** How often the page should ask again, in ms. */
  refreshMs: number;
  systems: Section<SystemActivity[]>;
  connectors: Section<ConnectorState[]>;
  /** Debezium's capture metrics (lag behind the source, queue) by topic prefix, from the Connect workers' /metrics. */
  capture: Section<Record<string, CaptureMetrics>>;
  rawTopics: Section<RawTopicState[]>;
  consumerGroups: Section<GroupLag[]>;
  /** Dead letters retained, in all and per stage's dead-letter topic. */
  dlq: Section<{ messages: number; topics: Array<{ topic: string; messages: number }> }>;
  shopify: { queue: Section<ShopifyQueue>; channel: Section<ShopifyChannelState> };
  stores: Section<StoreFeeds>;
}

export interface FlowDeps {
  pool: Pool;
  admin: SharedAdmin;
  registry: Registry;
  config: DashboardConfig;
}

interface KafkaView {
  groups: KafkaGroup[];
  ends: TopicEnds;
  rawTopics: RawTopicState[];
}

/** Builds the summary from its sources; the result is shared for DASHBOARD_CACHE_MS. */
export function createFlowReader({ pool, admin, registry, config }: FlowDeps): () => Promise<FlowSummary> {
  const timeout = config.DASHBOARD_SOURCE_TIMEOUT_MS;
  const ledger = new LedgerActivity(pool, config.DASHBOARD_LEDGER_WINDOW);
  const tracker = new RawTopicTracker();

  const systems = timeboxed('ledger', timeout, () => ledger.read());
  const connectors = timeboxed('Kafka Connect', timeout, () => readConnectors(config.CONNECT_URL, AbortSignal.timeout(timeout)));
  const capture = timeboxed('Connect metrics', timeout, async () => Object.fromEntries(await readCapture(config.CONNECT_METRICS_URLS, AbortSignal.timeout(timeout))));
  const storedOffsets = timeboxed('consumer_offsets', timeout, () => readStoredOffsets(pool, config.RECONCILER_GROUP));
  const shopifyQueue = timeboxed('shopify_push', timeout, () => readShopifyQueue(pool));
  const shopifyChannel = timeboxed('Shopify channel', timeout, () => readShopifyChannel(config.DASHBOARD_SHOPIFY_METRICS_URL, AbortSignal.timeout(timeout)));
  const stores = timeboxed('store feeds', timeout, () => readStoreFeeds(registry));
  const kafka = timeboxed('Kafka', timeout, async (): Promise<KafkaView> => {
    const client = await admin.get();
    const groups = await readKafkaGroups(client, config.DASHBOARD_GROUP_PREFIX);
    const topics = new Set<string>([...Object.values(TOPICS), config.RECONCILER_TOPIC, ...groups.flatMap((g) => [...g.committed.keys()])]);
    const ends = await readTopicEnds(client, [...topics]);
    return { groups, ends, rawTopics: tracker.update(client, ends) };
  });

  const compute = async (): Promise<FlowSummary> => {
    const [systemsNow, connectorsNow, captureNow, kafkaNow, storedNow, queueNow, channelNow, storesNow] = await Promise.all([
      systems.read(),
      connectors.read(),
      capture.read(),
      kafka.read(),
      storedOffsets.read(),
      shopifyQueue.read(),
      shopifyChannel.read(),
      stores.read(),
    ]);
    return {
      generatedAt: new Date().toISOString(),
      refreshMs: config.DASHBOARD_REFRESH_MS,
      systems: systemsNow,
      connectors: connectorsNow,
      capture: captureNow,
      rawTopics: derive(kafkaNow, (k) => k.rawTopics),
      consumerGroups: derive(kafkaNow, (k) => groupLags(k, storedNow, config.RECONCILER_GROUP)),
      dlq: derive(kafkaNow, (k) => {
        const topics = DLQ_TOPICS.map((topic) => {
          const partitions = k.ends.get(topic);
          if (partitions === undefined) throw new StockHubError(`Kafka: topic ${topic} not found`);
          return { topic, messages: retained(partitions) };
        });
        return { messages: topics.reduce((sum, t) => sum + t.messages, 0), topics };
      }),
      shopify: { queue: queueNow, channel: channelNow },
      stores: storesNow,
    };
  };
  return sharedFor(config.DASHBOARD_CACHE_MS, compute);
}

function derive<T, U>(section: Section<T>, pick: (data: T) => U): Section<U> {
  if (section.status !== 'ok') return section;
  try {
    return { status: 'ok', data: pick(section.data), tookMs: section.tookMs };
  } catch (error) {
    return { status: 'unavailable', error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The reconciler first, with the offsets it keeps in PostgreSQL, the ones it resumes from (Kafka
 * holds none or stale ones for its group); Kafka still says whether anyone is consuming. Then
 * every other group of the project.
 */
function groupLags(kafka: KafkaView, stored: Section<Map<string, Map<number, number>>>, reconcilerGroup: string): GroupLag[] {
  const inKafka = kafka.groups.find((g) => g.group === reconcilerGroup);
  const reconcilerTopics = stored.status === 'ok' ? lagOf(stored.data, kafka.ends, 'from-start') : [];
  const reconciler: GroupLag = {
    group: reconcilerGroup,
    stage: 'reconcile',
    state: inKafka?.state ?? null,
    members: inKafka?.members ?? null,
    offsetsIn: 'postgresql',
    topics: reconcilerTopics,
    lag: totalLag(reconcilerTopics),
    ...(stored.status === 'ok' ? {} : { error: stored.error }),
  };
  const others = kafka.groups
    .filter((g) => g.group !== reconcilerGroup)
    .map((g): GroupLag => {
      const topics = lagOf(g.committed, kafka.ends);
      return { group: g.group, stage: stageOf(g.committed.keys(), 'kafka'), state: g.state, members: g.members, offsetsIn: 'kafka', topics, lag: totalLag(topics) };
    });
  return [reconciler, ...others];
}
