import type { KafkaMessage } from 'kafkajs';
import type { Logger } from '../../core/logging';
import { recordMapper, type RecordMapper } from '../runtime';
import type { ShopifyLocationMap } from '../../core/shopify';
import { mapShopifyWebhook, type ItemSkuLookup } from './mapper';
import { fromRawWebhookMessage } from '../../core/shopify';

export interface ShopifyMapperOptions {
  /** Shopify locations -> hub locations (loadShopifyConfig()). */
  locationMap: ShopifyLocationMap;
  /** inventory_item_id -> SKU, for inventory_levels/update. */
  itemSkus: ItemSkuLookup;
  /** Whether a delivery is the hub's own write coming back. */
  isEcho?: (webhookId: string) => boolean;
  /** Loads, before each batch, what itemSkus and isEcho answer from. */
  prepare?: (messages: readonly KafkaMessage[]) => Promise<void>;
}

/** raw.shopify.webhooks' RecordMapper: read the webhook as the edge stored it, then map it. */
export function shopifyRecordMapper(options: ShopifyMapperOptions, worker: string, logger: Logger): RecordMapper {
  const map = recordMapper(worker, logger, (message, raw, setStage) => {
    const { headers, payload } = fromRawWebhookMessage(message);
    setStage('map');
    return mapShopifyWebhook(headers.topic, payload, {
      webhookId: headers.webhookId,
      shop: headers.shop,
      locationMap: options.locationMap,
      itemSkus: options.itemSkus,
      ...(options.isEcho && { isEcho: options.isEcho }),
      raw,
    });
  });
  return options.prepare ? Object.assign(map, { prepare: options.prepare }) : map;
}
