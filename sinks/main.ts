/**
 * The sink service: the Debezium sink (ERP and WMS change events -> stock.movements), the
 * Shopify webhook normalizer (raw.shopify.webhooks -> stock.movements), and the HTTP edge: PDV
 * batches, Shopify webhooks, /health and /metrics. Stops cleanly on SIGTERM/SIGINT.
 */
import express from 'express';
import { loadConfig } from '../core/config';
import { createOpsRouter, listen } from '../core/http';
import { connectProducer, createKafka } from '../core/kafka';
import { createLogger } from '../core/logging';
import { createMetrics } from '../core/metrics';
import { runService } from '../core/process';
import { createRedis } from '../core/redis';
import { TOPICS } from '../core/topics';
import { sinkConfigSchema, tillLimitsOf } from './config';
import { createPdvRouter, loadStoreTokens } from './pdv';
import { MovementPublisher, RawTopicWorker } from './runtime';
import { createShopify, loadShopifyConfig } from '../core/shopify';
import { createShopifyWebhookRouter, RedisWebhookDeduper } from './shopify';
import { createSourceMappers } from './source-mappers';

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(sinkConfigSchema);
  const logger = createLogger('sinks');
  const metrics = createMetrics('sinks');
  const redis = createRedis(config.REDIS_URL, logger);
  const mappers = createSourceMappers(logger, redis);
  const tokens = loadStoreTokens();
  const shopifyConfig = loadShopifyConfig();
  const shopify = createShopify(shopifyConfig, logger);
  const kafka = createKafka({ clientId: 'stockhub-sinks', brokers: config.KAFKA_BROKERS, logger });
  // A producer per path: a kafkajs producer with one request in flight sends one at a time, so a shared
  // one would queue each Debezium batch behind every till post and webhook (and the reverse).
  const producers = await Promise.all([connectProducer(kafka), connectProducer(kafka), connectProducer(kafka)]);
  const [debeziumProducer, webhookProducer, edgeProducer] = producers;
  const fromBeginning = config.SINK_START_FROM === 'earliest';

  const debezium = new RawTopicWorker(
    kafka,
    new MovementPublisher(debeziumProducer, metrics),
    { name: 'sink-debezium', groupId: config.SINK_DEBEZIUM_GROUP, topics: mappers.debeziumTopics, fromBeginning, map: mappers.debezium },
    logger,
    metrics,
  );
  const shopifyNormalizer = new RawTopicWorker(
    kafka,
    new MovementPublisher(webhookProducer, metrics),
    {
      name: 'sink-shopify',
      groupId: config.SINK_SHOPIFY_GROUP,
      topics: [TOPICS.shopifyWebhooks],
      fromBeginning,
      map: mappers.shopify,
    },
    logger,
    metrics,
  );

  // The webhook router reads raw bytes for the HMAC, so no app-wide body parser runs before it.
  // Listen first: /health answers 503 until the consumers have joined their groups.
  const app = express();
  app.use(createOpsRouter('sinks', metrics, { debezium: () => debezium.health(), shopify: () => shopifyNormalizer.health() }));
  app.use(createShopifyWebhookRouter({ shopify, shop: shopifyConfig.shop, producer: edgeProducer, dedupe: new RedisWebhookDeduper(redis, logger), logger }));
  app.use(createPdvRouter({ publisher: new MovementPublisher(edgeProducer, metrics), tokens, limits: tillLimitsOf(config), logger }));
  const server = listen(app, config.SINK_HTTP_PORT, logger, 'POST /v1/stores/{storeId}/movements, POST /webhooks/shopify, /health, /metrics');
  await Promise.all([debezium.start(), shopifyNormalizer.start()]);

  return async () => {
    server.close();
    await Promise.all([debezium.stop(), shopifyNormalizer.stop()]);
    await Promise.all(producers.map((producer) => producer.disconnect()));
    redis.disconnect();
  };
}

runService('sinks', createLogger('sinks'), main);
