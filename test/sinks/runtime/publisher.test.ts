import type { Producer, ProducerBatch } from 'kafkajs';
import type { DeadLetter } from '../../../core/dlq';
import { createMetrics } from '../../../core/metrics';
import { TOPICS } from '../../../core/topics';
import { MovementPublisher } from '../../../sinks/runtime';
import { countMovement } from '../../support/movements';

const topics = { movements: 'm', deadLetters: 'd' };
const letter = (offset: string, bytes = 10): DeadLetter => ({
  reason: 'not JSON',
  field: null,
  stage: 'decode',
  worker: 'test',
  source: { topic: 'raw', partition: 0, offset },
  key: null,
  value: Buffer.alloc(bytes, 'x'),
  headers: {},
  at: '2026-12-01T00:00:00.000Z',
});

function recordingProducer() {
  const batches: ProducerBatch[] = [];
  const sendBatch = jest.fn(async (batch: ProducerBatch) => {
    batches.push(batch);
    return [];
  });
  return { batches, producer: { sendBatch } as unknown as Producer };
}

const summary = (batch: ProducerBatch) => batch.topicMessages!.map((t) => [t.topic, t.messages.length]);

describe('MovementPublisher', () => {
  it('writes movements, dead letters and the records alongside in one acks=-1 request', async () => {
    const { batches, producer } = recordingProducer();
    const events = ['1', '2', '3'].map((n) => countMovement('test', 'pub', `1000000${n}`, 'S001', 5));
    await new MovementPublisher(producer, createMetrics('test'), topics).publish(events, [letter('7')], [{ topic: TOPICS.pdvMovements, messages: [{ key: 'S001', value: 'post' }] }]);
    expect(batches).toHaveLength(1);
    expect(summary(batches[0]!)).toEqual([
      [TOPICS.pdvMovements, 1],
      ['m', 3],
      ['d', 1],
    ]);
    expect(batches[0]!.acks).toBe(-1);
    expect(batches[0]!.topicMessages![1]!.messages.map((m) => m.key)).toEqual(['10000001', '10000002', '10000003']);
  });

  it('splits what exceeds a record batch into requests sent in order, the records alongside in the first', async () => {
    const { batches, producer } = recordingProducer();
    const letters = ['1', '2', '3'].map((offset) => letter(offset, 300 * 1024));
    await new MovementPublisher(producer, createMetrics('test'), topics).publish([], letters, [{ topic: 'audit', messages: [{ key: null, value: 'x' }] }]);
    expect(batches.map(summary)).toEqual([
      [
        ['audit', 1],
        ['d', 1],
      ],
      [['d', 1]],
      [['d', 1]],
    ]);
    expect(batches.map((b) => b.topicMessages!.at(-1)!.messages[0]!.headers!['dlq.source.offset'])).toEqual(['1', '2', '3']);
  });

  it('sends nothing for nothing', async () => {
    const { batches, producer } = recordingProducer();
    await new MovementPublisher(producer, createMetrics('test'), topics).publish([], []);
    expect(batches).toHaveLength(0);
  });
});
