import type { Kafka, Producer, ProducerBatch, ProducerConfig, RecordMetadata } from 'kafkajs';
import { KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import { createProducer, WholeSendProducer } from '../../core/kafka';

/** kafkajs' protocol error as src/protocol/error.js builds it (its typings know only the message). */
function protocolError(type: string, code: number, retriable: boolean): KafkaJSProtocolError {
  const ProtocolError = KafkaJSProtocolError as unknown as new (e: { type: string; code: number; retriable: boolean; message: string }) => KafkaJSProtocolError;
  return new ProtocolError({ type, code, retriable, message: type });
}

/** A kafkajs producer stand-in whose sends fail with the given errors, in turn, then succeed. */
function failingThen(errors: Error[]): { producer: Producer; sent: ProducerBatch[] } {
  const sent: ProducerBatch[] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
      sent.push(batch);
      const error = errors.shift();
      if (error) throw error;
      return [{ topicName: 't', partition: 0, errorCode: 0 }];
    },
  } as unknown as Producer;
  return { producer, sent };
}

const batch: ProducerBatch = { topicMessages: [{ topic: 't', messages: [{ value: 'v' }] }] };
const quick = { backoff: { initialMs: 1, maxMs: 5, factor: 2 }, giveUpAfterMs: 200 };

describe('WholeSendProducer', () => {
  it('sends the whole batch again after a retriable failure (a broker gone, a leader moved)', async () => {
    const { producer, sent } = failingThen([new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'), protocolError('NOT_LEADER_FOR_PARTITION', 6, true)]);
    await expect(new WholeSendProducer(producer, quick).sendBatch(batch)).resolves.toHaveLength(1);
    expect(sent).toEqual([batch, batch, batch]);
  });

  it('does not retry what the broker refuses for its content', async () => {
    const tooLarge = protocolError('MESSAGE_TOO_LARGE', 10, false);
    const { producer, sent } = failingThen([tooLarge]);
    await expect(new WholeSendProducer(producer, quick).sendBatch(batch)).rejects.toBe(tooLarge);
    expect(sent).toHaveLength(1);
  });

  it('gives the error to the caller once its time is up', async () => {
    const down = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const { producer, sent } = failingThen(Array.from({ length: 1000 }, () => down));
    await expect(new WholeSendProducer(producer, { backoff: { initialMs: 20, maxMs: 20, factor: 1 }, giveUpAfterMs: 100 }).sendBatch(batch)).rejects.toBe(down);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.length).toBeLessThanOrEqual(6);
  });

  it('stops retrying once disconnected', async () => {
    const down = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const { producer, sent } = failingThen(Array.from({ length: 1000 }, () => down));
    const whole = new WholeSendProducer(producer, { backoff: { initialMs: 20, maxMs: 20, factor: 1 }, giveUpAfterMs: 10_000 });
    const sending = whole.sendBatch(batch);
    await whole.disconnect();
    await expect(sending).rejects.toBe(down);
    expect(sent.length).toBeLessThanOrEqual(2);
  });
});

describe('createProducer', () => {
  it('makes one attempt per kafkajs send, not idempotent (kafkajs retries per broker and can drop partitions that moved)', () => {
    let config: ProducerConfig | undefined;
    const kafka = { producer: (c: ProducerConfig) => ((config = c), failingThen([]).producer) } as unknown as Kafka;
    createProducer(kafka);
    expect(config).toMatchObject({ idempotent: false, maxInFlightRequests: 1, retry: { retries: 0 } });
  });
});
