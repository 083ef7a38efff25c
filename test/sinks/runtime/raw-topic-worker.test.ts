import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DeadLetter } from '../../../core/dlq';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import type { StockMovement } from '../../../core/model';
import { TOPICS } from '../../../core/topics';
import { RawTopicWorker, type MovementPublisher } from '../../../sinks/runtime';
import { shopifyRecordMapper, type ShopifyMapperOptions } from '../../../sinks/shopify';
import { record } from '../shopify/records';

// The worker is exercised with the Shopify mapper and its fixtures: any RecordMapper would do.
const logger = createLogger('test', 'silent');
const body = (name: string) => readFileSync(join(__dirname, '../shopify/fixtures', `${name}.json`));
const options: ShopifyMapperOptions = {
  locationMap: { webLocationId: 'WEB', locations: { '74128450876': 'WEB', '74128483644': 'DC01' }, countLocations: ['WEB'] },
  itemSkus: (id) => (id === '45127829618843' ? '10004711' : null),
};

describe('RawTopicWorker', () => {
  /** A kafkajs stand-in that hands the normalizer's eachBatch to the test. */
  function fakeKafka() {
    let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
    const consumer = {
      events: { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' },
      on: jest.fn(),
      connect: jest.fn(async () => {}),
      subscribe: jest.fn(async () => {}),
      run: jest.fn(async (config: { eachBatch: typeof eachBatch }) => {
        eachBatch = config.eachBatch;
      }),
      disconnect: jest.fn(async () => {}),
    };
    return { kafka: { consumer: () => consumer } as unknown as Kafka, consumer, eachBatch: () => eachBatch! };
  }

  function batchPayload(messages: KafkaMessage[]) {
    const resolveOffset = jest.fn();
    const payload = {
      batch: { topic: TOPICS.shopifyWebhooks, partition: 0, messages },
      resolveOffset,
      heartbeat: jest.fn(async () => {}),
      commitOffsetsIfNecessary: jest.fn(async () => {}),
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload;
    return { payload, resolveOffset };
  }

  it('publishes movements and dead letters together, then resolves the last offset, and not before', async () => {
    const { kafka, consumer, eachBatch } = fakeKafka();
    let release!: () => void;
    const calls: Array<{ events: readonly StockMovement[]; deadLetters: readonly DeadLetter[] }> = [];
    const publisher = {
      publish: jest.fn(async (events: readonly StockMovement[], deadLetters: readonly DeadLetter[] = []) => {
        calls.push({ events, deadLetters });
        await new Promise<void>((resolve) => (release = resolve));
      }),
      deadLetterTarget: () => ({ producer: {}, topic: TOPICS.movementsDlq }),
    } as unknown as MovementPublisher;
    const normalizer = new RawTopicWorker(kafka, publisher, { name: 'sink-shopify', groupId: 'test-shopify', topics: [TOPICS.shopifyWebhooks], fromBeginning: true, map: shopifyRecordMapper(options, 'sink-shopify', logger) }, logger, createMetrics('test'));
    await normalizer.start();
    expect(consumer.subscribe).toHaveBeenCalledWith({ topics: [TOPICS.shopifyWebhooks], fromBeginning: true });

    const unknownItem = Buffer.from(JSON.stringify({ ...JSON.parse(body('inventory-levels-update').toString()), inventory_item_id: 1 }));
    const { payload, resolveOffset } = batchPayload([record('orders/create', body('orders-create'), '10'), record('inventory_levels/update', unknownItem, '11'), record('refunds/create', body('refunds-create'), '12')]);
    const handled = eachBatch()(payload);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.events.map((e) => e.type)).toEqual(['SALE', 'SALE', 'RETURN']);
    expect(calls[0]!.deadLetters.map((d) => d.source.offset)).toEqual(['11']);
    expect(resolveOffset).not.toHaveBeenCalled();
    release();
    await handled;
    expect(resolveOffset).toHaveBeenCalledWith('12');
    await normalizer.stop();
  });

  it('retries a publish that failed on the broker, resolving nothing until it is acknowledged', async () => {
    const { kafka, eachBatch } = fakeKafka();
    let failures = 2;
    const publisher = {
      publish: jest.fn(async () => {
        if (failures-- > 0) throw Object.assign(new Error('leader not available'), { retriable: true });
      }),
      deadLetterTarget: () => ({ producer: {}, topic: TOPICS.movementsDlq }),
    } as unknown as MovementPublisher;
    const normalizer = new RawTopicWorker(kafka, publisher, { name: 'sink-shopify', groupId: 'test-shopify', topics: [TOPICS.shopifyWebhooks], fromBeginning: true, map: shopifyRecordMapper(options, 'sink-shopify', logger) }, logger, createMetrics('test'));
    await normalizer.start();
    const { payload, resolveOffset } = batchPayload([record('orders/create', body('orders-create'), '10')]);
    await eachBatch()(payload);
    expect(publisher.publish).toHaveBeenCalledTimes(3);
    expect(resolveOffset).toHaveBeenCalledTimes(1);
    expect(resolveOffset).toHaveBeenCalledWith('10');
    await normalizer.stop();
  });
});
