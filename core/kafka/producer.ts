import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * An idempotent producer: the broker drops the duplicates kafkajs' own retries would create,
 * and ordering per partition holds (kafkajs needs maxInFlightRequests=1 for that). The default
 * partitioner is the Java client's murmur2, so a SKU lands on the same partition whichever
 * client (Debezium, Connect, kafkajs) wrote it.
 */
export function idempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

/** idempotentProducer, connected. */
export async function connectIdempotentProducer(kafka: Kafka): Promise<Producer> {
  const producer = idempotentProducer(kafka);
  await producer.connect();
  return producer;
}
