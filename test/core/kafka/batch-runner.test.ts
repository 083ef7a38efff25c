import type { KafkaMessage } from 'kafkajs';
import type { DeadLetter } from '../../../core/dlq';
import { DependencyError, InvalidInputError } from '../../../core/errors';
import { BatchRunner, decodeAll, decodeJson, type BatchPosition, type ConsumedRecord, type Stage } from '../../../core/kafka/consumer';

const message = (offset: number, value: string | null): KafkaMessage => ({ key: null, value: value === null ? null : Buffer.from(value), offset: String(offset), timestamp: '0', attributes: 0, headers: { h: 'x' } });

interface Harness {
  handled: Array<{ offsets: string[]; lastOffset: string }>;
  letters: DeadLetter[];
  resolved: string[];
  retries: number;
  successes: number;
}

/** A stage of JSON numbers: `handle` fails as `fail` says for the records it is given. */
function harness(fail: (values: number[], attempt: number) => Error | null, options: { live?: () => boolean; healthy?: () => boolean; writeDeadLetters?: (letters: readonly DeadLetter[]) => Promise<void> } = {}) {
  const h: Harness = { handled: [], letters: [], resolved: [], retries: 0, successes: 0 };
  let calls = 0;
  const stage: Stage<number> = {
    decode: (m) => {
      const value = decodeJson(m);
      if (typeof value !== 'number') throw new InvalidInputError('not a number', 'value');
      return value;
    },
    handle: async (records: ConsumedRecord<number>[], position: BatchPosition) => {
      calls += 1;
      const error = fail(records.map((r) => r.value), calls);
      if (error) throw error;
      h.handled.push({ offsets: records.map((r) => r.message.offset), lastOffset: position.lastOffset });
    },
  };
  const runner = new BatchRunner<number>({
    stage,
    worker: 'test-stage',
    writeDeadLetters: options.writeDeadLetters ?? (async (letters) => void h.letters.push(...letters)),
    dependenciesHealthy: async () => options.healthy?.() ?? true,
    live: options.live ?? (() => true),
    resolved: (offset) => void h.resolved.push(offset),
    onRetry: () => void (h.retries += 1),
    onSuccess: () => void (h.successes += 1),
    backoff: { initialMs: 1, maxMs: 2, factor: 2 },
    handleTimeoutMs: 1_000,
  });
  const run = (messages: KafkaMessage[]) => runner.run('t', 0, decodeAll(stage, 'test-stage', 't', 0, messages));
  return { h, run };
}

describe('BatchRunner', () => {
  it('dead-letters what does not decode, with its reason, bytes, headers and position, and handles the rest', async () => {
    const { h, run } = harness(() => null);
    await expect(run([message(1, '1'), message(2, 'not json'), message(3, '"text"'), message(4, '4')])).resolves.toBe(true);
    expect(h.letters.map((l) => [l.source.offset, l.stage, l.field, l.worker])).toEqual([
      ['2', 'decode', null, 'test-stage'],
      ['3', 'validate', 'value', 'test-stage'],
    ]);
    expect(h.letters[0]!.value!.toString()).toBe('not json');
    expect(h.letters[0]!.headers).toEqual({ h: 'x' });
    expect(h.letters[0]!.source).toEqual({ topic: 't', partition: 0, offset: '2' });
    expect(h.handled).toEqual([{ offsets: ['1', '4'], lastOffset: '4' }]);
    expect(h.resolved).toEqual(['4']);
  });

  it('narrows a final failure down to the one record at fault, dead-letters it (stage apply) and handles every other record once', async () => {
    const poison = (values: number[]) => (values.includes(5) ? new InvalidInputError('value too long for type character varying(20)', 'ITMCD') : null);
    const { h, run } = harness(poison);
    const messages = Array.from({ length: 9 }, (_, i) => message(i + 1, String(i + 1)));
    await expect(run(messages)).resolves.toBe(true);
    expect(h.letters).toHaveLength(1);
    expect(h.letters[0]).toMatchObject({ stage: 'apply', field: 'ITMCD', reason: 'value too long for type character varying(20)', source: { offset: '5' } });
    expect(h.handled.flatMap((c) => c.offsets).sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '3', '4', '6', '7', '8', '9']);
    expect(h.resolved[h.resolved.length - 1]).toBe('9');
    expect(h.retries).toBe(0);
  });

  it('stores the position of a range whose only record was dead-lettered (empty handle), so a stage keeping its own offsets moves on', async () => {
    const { h, run } = harness((values) => (values.length > 0 ? new RangeError('bug tripped by odd input') : null));
    await expect(run([message(7, '7')])).resolves.toBe(true);
    expect(h.letters.map((l) => l.source.offset)).toEqual(['7']);
    expect(h.handled).toEqual([{ offsets: [], lastOffset: '7' }]);
  });

  it('retries a dependency failure with backoff, never skipping or dead-lettering a record', async () => {
    const { h, run } = harness((_values, attempt) => (attempt <= 3 ? new DependencyError('postgres unreachable', 'postgres') : null));
    await expect(run([message(1, '1'), message(2, '2')])).resolves.toBe(true);
    expect(h.retries).toBe(3);
    expect(h.letters).toEqual([]);
    expect(h.handled).toEqual([{ offsets: ['1', '2'], lastOffset: '2' }]);
  });

  it('blames a dependency, not the record, when a final-looking error comes while a probe fails', async () => {
    let healthy = false;
    const { h, run } = harness((_values, attempt) => {
      if (attempt >= 3) healthy = true;
      return healthy ? null : new Error('mystery failure');
    }, { healthy: () => healthy });
    await expect(run([message(1, '1')])).resolves.toBe(true);
    expect(h.letters).toEqual([]);
    expect(h.retries).toBe(2);
    expect(h.handled).toEqual([{ offsets: ['1'], lastOffset: '1' }]);
  });

  it('gives up without resolving once the partition is no longer its own', async () => {
    let live = true;
    const { h, run } = harness(() => {
      live = false;
      return new DependencyError('down', 'postgres');
    }, { live: () => live });
    await expect(run([message(1, '1')])).resolves.toBe(false);
    expect(h.resolved).toEqual([]);
    expect(h.letters).toEqual([]);
  });

  it('says every success, so that a consumer that waited on a dependency reports itself healthy again', async () => {
    const { h, run } = harness((_values, attempt) => (attempt === 1 ? new DependencyError('down', 'postgres') : null));
    await run([message(1, '1')]);
    expect([h.retries, h.successes]).toEqual([1, 1]);
  });

  it('retries, never throws, when a range whose records were all dead-lettered cannot be stored', async () => {
    const { h, run } = harness((values, attempt) => (values.length === 0 && attempt <= 2 ? new Error('offset store refused') : null));
    await expect(run([message(1, 'not json')])).resolves.toBe(true);
    expect(h.retries).toBe(2);
    expect(h.handled).toEqual([{ offsets: [], lastOffset: '1' }]);
  });

  it('writes a dead letter without its bytes when the dead-letter topic refuses them for good, instead of blocking the partition', async () => {
    const written: DeadLetter[] = [];
    const { h, run } = harness(() => null, {
      writeDeadLetters: async (letters) => {
        if (letters.some((l) => l.value !== null)) throw Object.assign(new Error('The request included a message larger than the max message size'), { name: 'KafkaJSProtocolError', retriable: false });
        written.push(...letters);
      },
    });
    await expect(run([message(1, 'x'.repeat(64)), message(2, '2')])).resolves.toBe(true);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ value: null, source: { offset: '1' } });
    expect(written[0]!.reason).toMatch(/original bytes dropped: the dead-letter topic refused them: The request included a message larger/);
    expect(h.handled).toEqual([{ offsets: ['2'], lastOffset: '2' }]);
  });
});
