import { chunkBySize } from '../../core/kafka';

describe('chunkBySize', () => {
  const message = (bytes: number) => ({ key: 'k', value: Buffer.alloc(bytes) });

  it('keeps every slice under the limit and every message in order', () => {
    const messages = Array.from({ length: 100 }, (_, i) => ({ key: String(i), value: Buffer.alloc(10_000) }));
    const chunks = chunkBySize(messages, 100_000);
    expect(chunks.flat()).toEqual(messages);
    for (const chunk of chunks) expect(chunk.reduce((n, m) => n + (m.value?.length ?? 0), 0)).toBeLessThanOrEqual(100_000);
    expect(chunks.length).toBeGreaterThan(10);
  });

  it('puts a message larger than the limit in a slice of its own rather than dropping it', () => {
    expect(chunkBySize([message(10), message(500), message(10)], 100).map((c) => c.length)).toEqual([1, 1, 1]);
  });

  it('returns no slice for no messages', () => {
    expect(chunkBySize([])).toEqual([]);
  });
});
