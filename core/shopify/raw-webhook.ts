import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { InvalidInputError } from '../errors';

/** The webhook topics that move stock; the edge acknowledges and drops every other. */
export const SHOPIFY_STOCK_TOPICS = ['inventory_levels/update', 'orders/create', 'orders/cancelled', 'refunds/create'] as const;
export type ShopifyStockTopic = (typeof SHOPIFY_STOCK_TOPICS)[number];

/** @shopify/shopify-api's validate() reports topics as it stores them: orders/create -> ORDERS_CREATE. */
const TOPIC_BY_LIBRARY_NAME = new Map<string, ShopifyStockTopic>(SHOPIFY_STOCK_TOPICS.map((topic) => [topic.toUpperCase().replace(/[/.]/g, '_'), topic]));

export function stockTopicOf(libraryTopic: string): ShopifyStockTopic | null {
  return TOPIC_BY_LIBRARY_NAME.get(libraryTopic) ?? null;
}

function isStockTopic(topic: string): topic is ShopifyStockTopic {
  return (SHOPIFY_STOCK_TOPICS as readonly string[]).includes(topic);
}

/** What raw.shopify.webhooks carries beside the body: Shopify's own headers, under their names. */
export interface RawWebhookHeaders {
  topic: ShopifyStockTopic;
  shop: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt: string | null;
  eventId: string | null;
}

const H = {
  topic: 'x-shopify-topic',
  shop: 'x-shopify-shop-domain',
  webhookId: 'x-shopify-webhook-id',
  apiVersion: 'x-shopify-api-version',
  triggeredAt: 'x-shopify-triggered-at',
  eventId: 'x-shopify-event-id',
} as const;

/** The webhook as received: the body byte for byte (its HMAC still checks), keyed by webhook id. */
export function toRawWebhookMessage(headers: RawWebhookHeaders, body: Buffer, receivedAt: string): Message {
  const kafkaHeaders: IHeaders = {
    [H.topic]: headers.topic,
    [H.shop]: headers.shop,
    [H.webhookId]: headers.webhookId,
    [H.apiVersion]: headers.apiVersion,
    'hub.received-at': receivedAt,
  };
  if (headers.triggeredAt !== null) kafkaHeaders[H.triggeredAt] = headers.triggeredAt;
  if (headers.eventId !== null) kafkaHeaders[H.eventId] = headers.eventId;
  return { key: headers.webhookId, value: body, headers: kafkaHeaders };
}

const header = (headers: IHeaders | undefined, name: string): string | null => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
};

/** Reads a raw record back; a header missing or a body that is not JSON is bad input, named. */
export function fromRawWebhookMessage(message: KafkaMessage): { headers: RawWebhookHeaders; payload: unknown } {
  const required = (name: string): string => {
    const value = header(message.headers, name);
    if (value === null || value === '') throw new InvalidInputError(`raw webhook lacks header ${name}`, name);
    return value;
  };
  const topic = required(H.topic);
  if (!isStockTopic(topic)) throw new InvalidInputError(`webhook topic '${topic}' is not a stock topic`, H.topic);
  const headers: RawWebhookHeaders = {
    topic,
    shop: required(H.shop),
    webhookId: required(H.webhookId),
    apiVersion: required(H.apiVersion),
    triggeredAt: header(message.headers, H.triggeredAt),
    eventId: header(message.headers, H.eventId),
  };
  let payload: unknown;
  try {
    payload = JSON.parse((message.value ?? Buffer.alloc(0)).toString('utf8'));
  } catch (error) {
    throw new InvalidInputError(`webhook body is not JSON: ${error instanceof Error ? error.message : String(error)}`, null);
  }
  return { headers, payload };
}
