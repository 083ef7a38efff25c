import type { KafkaMessage } from 'kafkajs';
import { InvalidInputError } from '../../errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A record's value as JSON. Throws SyntaxError (stage `decode` in the dead letter) for bytes that
 * are not UTF-8 JSON, and InvalidInputError for a record without a value.
 */
export function decodeJson(message: KafkaMessage): unknown {
  if (message.value === null) throw new InvalidInputError('record has no value', 'value');
  let text: string;
  try {
    text = utf8.decode(message.value);
  } catch (error) {
    throw new SyntaxError('record value is not UTF-8', { cause: error });
  }
  return JSON.parse(text);
}
