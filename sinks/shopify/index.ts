export { createShopify } from './client';
export { loadShopifyConfig, SHOPIFY_CONFIG_FILE, shopifyConfigSchema, type ShopifyConfig, type ShopifyLocationMap } from './config';
export { RedisWebhookDeduper, type RedisWebhookDeduperOptions, type WebhookDeduper } from './deduper';
export { mapShopifyWebhook, type ItemSkuLookup, type ShopifyMappingContext } from './mapper';
export { shopifyRecordMapper, type ShopifyMapperOptions } from './normalizer';
export { SHOPIFY_STOCK_TOPICS, toRawWebhookMessage, type RawWebhookHeaders, type ShopifyStockTopic } from './raw-webhook';
export { createShopifyWebhookRouter, type ShopifyWebhookRouterDeps } from './router';
