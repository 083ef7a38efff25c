import type { Kafka, Producer } from 'kafkajs';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { StageConsumer } from '../../../core/kafka';
import { eventually } from '../../support/wait';

/** kafkajs stand-ins: every consumer the runtime creates, with the handlers it registered. */
function fakeKafka() {
  const consumers: Array<{ handlers: Map<string, (event: { payload: unknown }) => void>; connect: jest.Mock; disconnect: jest.Mock; run: jest.Mock }> = [];
  const kafka = {
    consumer: () => {
      const handlers = new Map<string, (event: { payload: unknown }) => void>();
      const consumer = {
        handlers,
        events: { CRASH: 'crash', GROUP_JOIN: 'join' },
        on: (name: string, handler: (event: { payload: unknown }) => void) => handlers.set(name, handler),
        connect: jest.fn(async () => {}),
        subscribe: jest.fn(async () => {}),
        run: jest.fn(async () => {}),
        disconnect: jest.fn(async () => {}),
        seek: jest.fn(),
      };
      consumers.push(consumer);
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, consumers };
}

const stage = { decode: () => null, handle: async () => {} };

describe('StageConsumer', () => {
  it('replaces a consumer that kafkajs gave up on (restart: false), with backoff, and is healthy once it joins', async () => {
    const { kafka, consumers } = fakeKafka();
    const metrics = createMetrics('stage-test');
    const consumer = new StageConsumer(kafka, { name: 'test', groupId: 'g', topics: ['t'], startFrom: 'earliest', stage, deadLetters: { producer: {} as Producer, topic: 'dlq' }, tuning: { restartBackoff: { initialMs: 10, maxMs: 20 } } }, createLogger('test', 'silent'), metrics);
    await consumer.start();
    expect(consumer.health().ok).toBe(false);
    consumers[0]!.handlers.get('join')!({ payload: { memberAssignment: { t: [0] } } });
    expect(consumer.health()).toEqual({ ok: true, detail: 'consuming' });

    consumers[0]!.handlers.get('crash')!({ payload: { error: new SyntaxError('Unexpected token'), restart: false } });
    expect(consumer.health().ok).toBe(false);
    await eventually('a new consumer', async () => (consumers.length === 2 && consumers[1]!.run.mock.calls.length === 1 ? true : undefined), 2_000);
    expect(consumers[0]!.disconnect).toHaveBeenCalled();
    consumers[1]!.handlers.get('join')!({ payload: { memberAssignment: { t: [0] } } });
    expect(consumer.health().ok).toBe(true);
    expect(await metrics.registry.getSingleMetricAsString('stockhub_consumer_restarts_total')).toMatch(/consumer="test"[^\n]* 1/);
    await consumer.stop();
  });

  it('leaves a crash kafkajs restarts itself (restart: true) to kafkajs', async () => {
    const { kafka, consumers } = fakeKafka();
    const consumer = new StageConsumer(kafka, { name: 'test', groupId: 'g', topics: ['t'], startFrom: 'earliest', stage, deadLetters: { producer: {} as Producer, topic: 'dlq' }, tuning: { restartBackoff: { initialMs: 10, maxMs: 20 } } }, createLogger('test', 'silent'), createMetrics('stage-test-2'));
    await consumer.start();
    consumers[0]!.handlers.get('crash')!({ payload: { error: new Error('broker gone'), restart: true } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(consumers).toHaveLength(1);
    await consumer.stop();
  });
});
