import type { KafkaMessage, Message } from 'kafkajs';
import { toRawWebhookMessage, type RawWebhookHeaders } from '../../../core/shopify';

/** A raw record as kafkajs hands it to a consumer: header values arrive as Buffers. */
export function record(topic: RawWebhookHeaders['topic'], value: Buffer, offset: string, webhookId = `wh-${offset}`): KafkaMessage {
  const message: Message = toRawWebhookMessage(
    { topic, shop: 'retailmax.myshopify.com', webhookId, apiVersion: '2026-07', triggeredAt: null, eventId: null },
    value,
    '2026-11-27T13:15:03.600Z',
  );
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]));
  return { key: Buffer.from(webhookId), value, headers, offset, timestamp: String(Date.now()), attributes: 0 };
}
