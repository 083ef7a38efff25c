import { LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import type { Logger } from '../logging';
import type { ShopifyConfig } from './config';

// The node adapter (request/response conversion, fetch, crypto) is a side-effect module. It is
// required rather than imported: under this repo's moduleResolution=node, TypeScript ignores the
// package's `exports` map and would compile the adapter's shipped .ts sources under our strict
// flags; Node itself resolves the compiled CommonJS build through `exports`.
require('@shopify/shopify-api/adapters/node');

const PINO_LEVEL = {
  [LogSeverity.Error]: 'error',
  [LogSeverity.Warning]: 'warn',
  [LogSeverity.Info]: 'info',
  [LogSeverity.Debug]: 'debug',
} as const;

/**
 * The @shopify/shopify-api instance (node adapter) the webhook edge validates HMACs with.
 * The library logs through the service's pino logger when one is given, from warnings up (its
 * info level announces disabled future flags at every start).
 */
export function createShopify(config: ShopifyConfig, logger?: Logger): Shopify {
  return shopifyApi({
    apiKey: config.apiKey,
    apiSecretKey: config.apiSecret,
    apiVersion: config.apiVersion,
    hostName: config.appHost,
    isEmbeddedApp: false,
    logger: {
      level: LogSeverity.Warning,
      ...(logger && { log: (severity: LogSeverity, message: string) => logger[PINO_LEVEL[severity]]({ lib: 'shopify-api' }, message) }),
    },
  });
}
