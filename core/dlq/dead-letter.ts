import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/**
 * A dead letter keeps the original record byte for byte (key and value), and says in headers
 * where it came from and why it was refused, as Kafka Connect's own DLQ does. Replaying it
 * means running the original bytes through the (fixed) mapping again.
 */
/**
 * decode: the bytes are not what the topic carries (not JSON, not UTF-8); map: no mapping for
 * them; validate: they fail the stage's schema or limits; apply: the destination refused the
 * record for its content (a value too long for an ERP column), so no retry can succeed.
 */
export type DeadLetterStage = 'decode' | 'map' | 'validate' | 'apply';

export interface DeadLetter {
  reason: string;
  /** The field or column at fault, when known. */
  field: string | null;
  stage: DeadLetterStage;
  /** The consumer that refused it: a sink worker, the reconciler, a channel. */
  worker: string;
  source: { topic: string; partition: number; offset: string };
  key: Buffer | null;
  value: Buffer | null;
  /** The original record's headers (the Shopify webhook's topic and shop travel there). */
  headers: IHeaders;
  /** When the dead letter was written, ISO-8601. */
  at: string;
}

const H = {
  reason: 'dlq.reason',
  field: 'dlq.field',
  stage: 'dlq.stage',
  worker: 'dlq.worker',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  at: 'dlq.at',
} as const;

export function toDeadLetterMessage(letter: DeadLetter): Message {
  return {
    key: letter.key,
    value: letter.value,
    headers: {
      ...letter.headers,
      [H.reason]: letter.reason,
      [H.field]: letter.field ?? '',
      [H.stage]: letter.stage,
      [H.worker]: letter.worker,
      [H.topic]: letter.source.topic,
      [H.partition]: String(letter.source.partition),
      [H.offset]: letter.source.offset,
      [H.at]: letter.at,
    },
  };
}

const header = (headers: IHeaders | undefined, name: string): string => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? '' : first.toString();
};

export function fromDeadLetterMessage(message: KafkaMessage): DeadLetter {
  const h = message.headers;
  return {
    reason: header(h, H.reason),
    field: header(h, H.field) || null,
    stage: header(h, H.stage) as DeadLetterStage,
    worker: header(h, H.worker),
    source: { topic: header(h, H.topic), partition: Number(header(h, H.partition)), offset: header(h, H.offset) },
    key: message.key,
    value: message.value,
    headers: Object.fromEntries(Object.entries(h ?? {}).filter(([name]) => !name.startsWith('dlq.'))),
    at: header(h, H.at),
  };
}
