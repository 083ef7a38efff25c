/**
 * The Shopify channel: consumes stock.levels, keeps the newest wanted value per level Shopify
 * sells in shopify_push, and pushes it with the real @shopify/shopify-api client (paced by the
 * cost bucket, compare-and-set, idempotency keys, a circuit while Shopify is down). After an
 * outage it pushes only the latest state of what changed, then reads back the orders it missed.
 * Any number of instances may run: each consumes its share of stock.levels into shopify_push (an
 * older version never overwrites a newer one, so they may overlap in a rebalance), and the one
 * holding the shop's leader lock pushes and reads orders back, alone (GET /leader: 200 there).
 */
import express from 'express';
import { loadConfig } from '../../../core/config';
import { createOpsRouter, listen } from '../../../core/http';
import { connectProducer, createKafka, StageConsumer } from '../../../core/kafka';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { runService } from '../../../core/process';
import { createRedis } from '../../../core/redis';
import { createAdminRequest, createShopify, EchoMarks, loadShopifyConfig } from '../../../core/shopify';
import { TOPICS } from '../../../core/topics';
import type { LevelView } from '../../levels';
import { createPool, migrate } from '../../db';
import { ShopifyCaller } from './caller';
import { CircuitBreaker } from './circuit';
import { rowFailurePolicyOf, shopifyChannelConfigSchema } from './config';
import { ItemMap } from './item-map';
import { LeaderLock } from './leader';
import { levelsStage } from './levels-consumer';
import { CIRCUIT_STATE_VALUE, createChannelMetrics } from './metrics';
import { Pacer } from './pacer';
import { PushStore } from './push-store';
import { Pusher } from './pusher';
import { OrderReadBack } from './readback';

const QUEUE_GAUGE_MS = 2_000;

async function main(): Promise<() => Promise<void>> {
  const startedAt = new Date();
  const config = loadConfig(shopifyChannelConfigSchema);
  const shop = loadShopifyConfig();
  const logger = createLogger('shopify-channel');
  const metrics = createMetrics('shopify-channel');
  const channelMetrics = createChannelMetrics(metrics);
  const shopifyLocationOf = new Map(Object.entries(shop.locations).map(([shopifyId, hubId]) => [hubId, shopifyId]));

  await migrate(config.HUB_PG_URL);
  const pool = createPool(config.HUB_PG_URL, logger, 4);
  const pgUp = async (): Promise<boolean> => (await pool.query('SELECT 1')).rowCount === 1;
  const redis = createRedis(config.REDIS_URL, logger);
  const kafka = createKafka({ clientId: 'stockhub-shopify-channel', brokers: config.KAFKA_BROKERS, logger });
  const producer = await connectProducer(kafka);

  const circuit = new CircuitBreaker({ failures: config.SHOPIFY_CIRCUIT_FAILURES, openMs: config.SHOPIFY_CIRCUIT_OPEN_MS, maxOpenMs: config.SHOPIFY_CIRCUIT_MAX_OPEN_MS }, (state) => {
    channelMetrics.circuit.set(CIRCUIT_STATE_VALUE[state]);
    logger[state === 'open' ? 'warn' : 'info']({ circuit: state }, `circuit to Shopify ${state}`);
  });
  channelMetrics.circuit.set(0);
  const caller = new ShopifyCaller(createAdminRequest(createShopify(shop, logger), shop), new Pacer(config.SHOPIFY_THROTTLE_RESERVE), circuit, channelMetrics, logger);
  const store = new PushStore(pool, config.SHOPIFY_CHANNEL_GROUP);
  const pusher = new Pusher(store, new ItemMap(pool, caller), caller, new EchoMarks(redis), shopifyLocationOf, channelMetrics, logger, {
    mode: config.SHOPIFY_CHANNEL_MODE,
    batch: config.SHOPIFY_PUSH_BATCH,
    concurrency: config.SHOPIFY_PUSH_CONCURRENCY,
    coalesceMs: config.SHOPIFY_COALESCE_MS,
    staleRetryMs: config.SHOPIFY_STALE_RETRY_MS,
    backoffMs: config.SHOPIFY_BACKOFF_MS,
    backoffMaxMs: config.SHOPIFY_BACKOFF_MAX_MS,
    rowFailure: rowFailurePolicyOf(config),
  });
  const readBack = new OrderReadBack(pool, caller, producer, shop, config.SHOPIFY_CHANNEL_GROUP, { everyMs: config.SHOPIFY_READBACK_EVERY_MS, marginMs: config.SHOPIFY_READBACK_MARGIN_MS }, channelMetrics, logger);
  caller.onRecovered = (outageSince) => void readBack.readBackFrom(outageSince);
  // One pusher and one read-back per shop, whatever the number of instances.
  const leader = new LeaderLock(
    {
      url: config.HUB_PG_URL,
      channel: config.SHOPIFY_CHANNEL_GROUP,
      shop: shop.shop,
      retryMs: config.SHOPIFY_LEADER_RETRY_MS,
      queryTimeoutMs: config.SHOPIFY_LEADER_QUERY_TIMEOUT_MS,
      idleSessionTimeoutMs: config.SHOPIFY_LEADER_IDLE_TIMEOUT_MS,
    },
    async (leading) => {
      channelMetrics.leader.set(leading ? 1 : 0);
      if (leading) {
        await readBack.start(startedAt);
        pusher.start();
      } else {
        readBack.stop();
        await pusher.stop();
      }
    },
    logger,
  );
  channelMetrics.leader.set(0);

  if (config.SHOPIFY_CHANNEL_MODE === 'live') {
    const released = await store.releaseShadowed();
    if (released > 0) logger.info({ released }, 'live: levels held back by shadow mode are due');
  } else {
    logger.warn('shadow mode: nothing is written to Shopify; see the reconciliation report for what differs');
  }

  const refreshQueue = async (): Promise<void> => {
    const { due, oldestSeconds } = await store.depth();
    channelMetrics.queue.set(due);
    channelMetrics.queueAge.set(oldestSeconds);
  };
  const queueTimer = setInterval(() => refreshQueue().catch(() => undefined), QUEUE_GAUGE_MS);

  const shopifyLocations = new Set(shopifyLocationOf.keys());
  const consumer = new StageConsumer<LevelView | null>(
    kafka,
    {
      name: 'shopify-channel',
      groupId: config.SHOPIFY_CHANNEL_GROUP,
      topics: [config.SHOPIFY_LEVELS_TOPIC],
      startFrom: config.SHOPIFY_CHANNEL_START_FROM,
      stage: levelsStage(store, shopifyLocations, () => pusher.notify(), logger),
      deadLetters: { producer, topic: TOPICS.shopifyChannelDlq },
      dependencies: { postgres: pgUp },
      tuning: { maxWaitTimeMs: 50 },
    },
    logger,
    metrics,
  );

  const app = express();
  app.use(createOpsRouter('shopify-channel', metrics, { kafka: () => consumer.health(), postgres: pgUp, leadership: () => leader.health() }));
  // The load balancer's check: the channel's port leads to the instance that pushes (its metrics are the shop's).
  app.get('/leader', (_req, res) => void res.status(leader.isLeader() ? 200 : 503).json({ leader: leader.isLeader(), detail: leader.health().detail }));
  const server = listen(app, config.SHOPIFY_CHANNEL_HTTP_PORT, logger, '/health, /metrics, /leader');

  // Before the consumer joins its group, which waits for Kafka: pushing what is due and reading
  // orders back need only PostgreSQL, Shopify and the producer.
  await leader.start();
  await consumer.start();
  logger.info({ mode: config.SHOPIFY_CHANNEL_MODE, shop: shop.shop, adminUrl: shop.adminUrl ?? `https://${shop.shop}`, locations: shopifyLocations.size }, 'Shopify channel started');

  return async () => {
    clearInterval(queueTimer);
    server.close();
    // Pusher and read-back stop before the lock goes: a standby then takes over at its next try.
    await leader.stop();
    await consumer.stop();
    await producer.disconnect();
    redis.disconnect();
    await pool.end();
  };
}

runService('shopify-channel', createLogger('shopify-channel'), main);
