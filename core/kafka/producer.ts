import { Partitioners, type Kafka, type Producer, type ProducerBatch, type ProducerRecord, type RecordMetadata } from 'kafkajs';
import { isRetriable } from '../errors';
import { backoffDelay, type BackoffOptions } from '../retry';

export interface WholeSendOptions {
  /** Backoff between attempts of a send. Default 100 ms doubling to 2 s. */
  backoff: BackoffOptions;
  /** How long a send (or connect) is retried before its error goes to the caller, in ms. Default 30,000. */
  giveUpAfterMs: number;
}

export const DEFAULT_WHOLE_SEND: WholeSendOptions = { backoff: { initialMs: 100, maxMs: 2_000, factor: 2 }, giveUpAfterMs: 30_000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A producer whose sends either reach every partition they name or fail, retried whole.
 *
 * kafkajs retries a failed send per broker: a batch spread over partitions on two brokers, of
 * which one answered, is retried only for the brokers that have not answered. When the other
 * broker died and its partitions' new leader is the broker that already answered, their records
 * are never sent, and the send resolves: the availability test lost till sales that way (their
 * audit copy on raw.pdv.movements was written, their movements on stock.movements were not).
 * Its idempotent mode needs those retries, and after a leader move it can also be left refusing
 * every send ("out of order sequence number") until the process restarts.
 *
 * So the kafkajs producer underneath makes one attempt per send and is not idempotent, and a
 * failed attempt is retried here whole, while the error is retriable (core/errors isRetriable)
 * and within `giveUpAfterMs`. A record written by an attempt that then failed elsewhere is
 * written again: every consumer of the project's topics deduplicates by event id (the ledger's
 * primary key; levels carry their version; the audit and dead-letter copies are for people).
 * Ordering per partition holds for one caller's sends (one request in flight; a caller waits
 * for its send before the next).
 */
export class WholeSendProducer implements Producer {
  private closed = false;

  constructor(
    private readonly inner: Producer,
    private readonly options: WholeSendOptions = DEFAULT_WHOLE_SEND,
  ) {}

  get events(): Producer['events'] {
    return this.inner.events;
  }

  on: Producer['on'] = (eventName: Parameters<Producer['on']>[0], listener: Parameters<Producer['on']>[1]) => this.inner.on(eventName, listener);

  async connect(): Promise<void> {
    this.closed = false;
    await this.retried(() => this.inner.connect());
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.inner.disconnect();
  }

  isIdempotent(): boolean {
    return this.inner.isIdempotent();
  }

  transaction(): ReturnType<Producer['transaction']> {
    return this.inner.transaction();
  }

  logger(): ReturnType<Producer['logger']> {
    return this.inner.logger();
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.retried(() => this.inner.send(record));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.retried(() => this.inner.sendBatch(batch));
  }

  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    const began = Date.now();
    for (let n = 1; ; n += 1) {
      try {
        return await attempt();
      } catch (error) {
        const delay = backoffDelay(n, this.options.backoff);
        if (this.closed || !isRetriable(error) || Date.now() - began + delay > this.options.giveUpAfterMs) throw error;
        await sleep(delay);
      }
    }
  }
}

/**
 * The project's producer (see WholeSendProducer): acks are the caller's (every caller asks for
 * all in-sync replicas). The default partitioner is the Java client's murmur2, so a SKU lands on
 * the same partition whichever client (Debezium, Connect, kafkajs) wrote it.
 */
export function createProducer(kafka: Kafka, options: WholeSendOptions = DEFAULT_WHOLE_SEND): Producer {
  const inner = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 0 } });
  return new WholeSendProducer(inner, options);
}

/** createProducer, connected. */
export async function connectProducer(kafka: Kafka, options?: WholeSendOptions): Promise<Producer> {
  const producer = createProducer(kafka, options);
  await producer.connect();
  return producer;
}
