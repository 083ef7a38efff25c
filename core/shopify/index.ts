export { createAdminRequest, ShopifyQueryError, ShopifyThrottledError, type AdminRequest, type AdminResult, type QueryCost, type ThrottleStatus } from './admin';
export { createShopify } from './app';
export { loadShopifyConfig, SHOPIFY_CONFIG_FILE, shopifyConfigSchema, type ShopifyConfig, type ShopifyLocationMap } from './config';
export { inventoryItemGid, locationGid, legacyIdOf } from './ids';
export { fromRawWebhookMessage, SHOPIFY_STOCK_TOPICS, stockTopicOf, toRawWebhookMessage, type RawWebhookHeaders, type ShopifyStockTopic } from './raw-webhook';
export { EchoMarks } from './echo-marks';
export * as documents from './documents';
