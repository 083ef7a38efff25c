export { RedisWebhookDeduper, type RedisWebhookDeduperOptions, type WebhookDeduper } from './deduper';
export { mapShopifyWebhook, type ItemSkuLookup, type ShopifyMappingContext } from './mapper';
export { shopifyRecordMapper, type ShopifyMapperOptions } from './normalizer';
export { createShopifyWebhookRouter, type ShopifyWebhookRouterDeps } from './router';
export { ShopifyInventoryLookups } from './inventory-lookups';
