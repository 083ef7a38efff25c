import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { createKafka } from '../../core/kafka';
import { createLogger } from '../../core/logging';

export const stack = loadConfig(stackConfigSchema);

export function testKafka(name: string): Kafka {
  return createKafka({ clientId: `test-${name}`, brokers: stack.KAFKA_BROKERS, logger: createLogger(`test-${name}`, 'warn') });
}

/** Dead-letter topics carry bytes that are not JSON: those come back as their text. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface Received {
  topic: string;
  message: KafkaMessage;
  value: unknown;
  receivedAt: number;
}

/**
 * A consumer (own group) positioned at the current end of the given topics, so that it sees
 * only what the test causes after `start()` returns. `waitFor` resolves with the first message
 * matching a predicate, or rejects after the timeout.
 */
export class TopicWatcher {
  private readonly kafka: Kafka;
  private readonly consumer;
  private readonly received: Received[] = [];
  private readonly waiters: Array<{ match: (r: Received) => boolean; resolve: (r: Received) => void }> = [];

  constructor(
    name: string,
    private readonly topics: string[],
  ) {
    this.kafka = testKafka(name);
    this.consumer = this.kafka.consumer({ groupId: `test-${name}-${randomUUID()}`, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await Promise.all(this.topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })));
    await admin.disconnect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics });
    let assigned!: () => void;
    const ready = new Promise<void>((resolve) => (assigned = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => assigned());
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = message.value === null ? null : parseOrText(message.value.toString());
        const entry = { topic, message, value, receivedAt: Date.now() };
        this.received.push(entry);
        for (const waiter of this.waiters.filter((w) => w.match(entry))) waiter.resolve(entry);
      },
    });
    for (const { topic, offsets } of ends) {
      for (const { partition, high } of offsets) this.consumer.seek({ topic, partition, offset: high });
    }
    await ready;
  }

  waitFor(match: (r: Received) => boolean, timeoutMs: number, what: string): Promise<Received> {
    const already = this.received.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  /** Everything received so far, in arrival order. */
  all(): readonly Received[] {
    return this.received;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
