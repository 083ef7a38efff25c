import type { Logger } from '../core/logging';
import { TOPICS } from '../core/topics';
import { debeziumRecordMapper, loadMappings } from './debezium';
import type { RecordMapper } from './runtime';
import { loadShopifyConfig } from '../core/shopify';
import { shopifyRecordMapper, type ItemSkuLookup } from './shopify';

export interface SourceMappers {
  /** The Debezium topics named in config/mappings, all mapped by the one declarative mapper. */
  debeziumTopics: string[];
  debezium: RecordMapper;
  shopify: RecordMapper;
  /** Raw topic -> its mapper: what the DLQ replay looks up by a dead letter's source topic. */
  byTopic: Map<string, RecordMapper>;
}

/**
 * No inventory item -> SKU source exists until the Shopify channel lands (issue 5): until then
 * inventory_levels/update webhooks are dead-lettered with their reason, replayable later.
 */
const noItemSkus: ItemSkuLookup = () => null;

/** Builds every raw topic's mapper from config/ (validated here, at start-up). */
export function createSourceMappers(logger: Logger, itemSkus: ItemSkuLookup = noItemSkus): SourceMappers {
  const routes = loadMappings();
  const shopifyConfig = loadShopifyConfig();
  const debezium = debeziumRecordMapper(routes, 'sink-debezium', logger);
  const shopify = shopifyRecordMapper({ locationMap: shopifyConfig, itemSkus }, 'sink-shopify', logger);
  const byTopic = new Map<string, RecordMapper>([...routes.keys()].map((topic) => [topic, debezium]));
  byTopic.set(TOPICS.shopifyWebhooks, shopify);
  return { debeziumTopics: [...routes.keys()], debezium, shopify, byTopic };
}
