import type { Logger } from '../core/logging';
import { TOPICS } from '../core/topics';
import { debeziumRecordMapper, loadMappings } from './debezium';
import type { RecordMapper } from './runtime';
import type { Redis } from '../core/redis';
import { createAdminRequest, createShopify, EchoMarks, loadShopifyConfig } from '../core/shopify';
import { shopifyRecordMapper, ShopifyInventoryLookups } from './shopify';

export interface SourceMappers {
  /** The Debezium topics named in config/mappings, all mapped by the one declarative mapper. */
  debeziumTopics: string[];
  debezium: RecordMapper;
  shopify: RecordMapper;
  /** Raw topic -> its mapper: what the DLQ replay looks up by a dead letter's source topic. */
  byTopic: Map<string, RecordMapper>;
}

/**
 * Builds every raw topic's mapper from config/ (validated here, at start-up). Shopify's
 * inventory_levels/update needs Shopify (item -> SKU) and Redis (the hub's own writes).
 */
export function createSourceMappers(logger: Logger, redis: Redis): SourceMappers {
  const routes = loadMappings();
  const shopifyConfig = loadShopifyConfig();
  const debezium = debeziumRecordMapper(routes, 'sink-debezium', logger);
  const counted = new Set(Object.entries(shopifyConfig.locations).filter(([, hub]) => shopifyConfig.countLocations.includes(hub)).map(([shopifyId]) => shopifyId));
  const lookups = new ShopifyInventoryLookups(createAdminRequest(createShopify(shopifyConfig, logger), shopifyConfig), new EchoMarks(redis), logger, counted);
  const shopify = shopifyRecordMapper(
    { locationMap: shopifyConfig, itemSkus: lookups.itemSkus, isEcho: lookups.isEcho, prepare: (messages) => lookups.prepare(messages) },
    'sink-shopify',
    logger,
  );
  const byTopic = new Map<string, RecordMapper>([...routes.keys()].map((topic) => [topic, debezium]));
  byTopic.set(TOPICS.shopifyWebhooks, shopify);
  return { debeziumTopics: [...routes.keys()], debezium, shopify, byTopic };
}
