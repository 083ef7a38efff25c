/**
 * The bare limit beside the end-to-end figure: one Kafka hop on this machine, under the same
 * load. A record produced with acks=-1 by the producer the services use, consumed by
 * a kafkajs consumer with the reconciler's fetch settings (maxWaitTimeInMs 100), on a scratch
 * topic of the run's own; the time from send to arrival is one hop of the pipeline with no work.
 */
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { connectProducer, ensureTopics } from '../../../core/kafka';

export class KafkaHop {
  readonly samples: number[] = [];
  /** Send -> acknowledgement of each record (acks=-1): what one request in flight costs. */
  readonly acks: number[] = [];
  private readonly topic: string;
  private producer: Producer | null = null;
  private consumer: Consumer | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly kafka: Kafka,
    run: string,
  ) {
    this.topic = `bench.${run}.hop`;
  }

  async start(everyMs: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: this.topic, partitions: 1, description: 'benchmark: bare Kafka hop' }]);
    await admin.disconnect();
    this.producer = await connectProducer(this.kafka);
    this.consumer = this.kafka.consumer({ groupId: `${this.topic}-consumer`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    let joined!: () => void;
    const ready = new Promise<void>((resolve) => (joined = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => joined());
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.samples.push(Date.now() - Number(message.value!.toString()));
      },
    });
    await ready;
    const producer = this.producer;
    this.timer = setInterval(() => {
      const sent = Date.now();
      producer.send({ topic: this.topic, acks: -1, messages: [{ value: String(sent) }] }).then(
        () => this.acks.push(Date.now() - sent),
        () => undefined,
      );
    }, everyMs);
  }

  /** Stops sending, waits for the last records, removes the topic; a second call does nothing. */
  async stop(): Promise<void> {
    if (this.producer === null) return;
    if (this.timer) clearInterval(this.timer);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await this.consumer?.disconnect();
    await this.producer.disconnect();
    this.producer = null;
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [this.topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
