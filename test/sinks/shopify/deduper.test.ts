import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createLogger } from '../../../core/logging';
import { RedisWebhookDeduper } from '../../../sinks/shopify';

const logger = createLogger('test', 'silent');

/** The two commands the deduper uses, over a Map, recording SET's arguments. */
function memoryRedis() {
  const keys = new Map<string, string>();
  const sets: unknown[][] = [];
  const fake = {
    keys,
    sets,
    exists: async (key: string) => (keys.has(key) ? 1 : 0),
    set: async (key: string, value: string, ...args: unknown[]) => {
      sets.push([key, value, ...args]);
      if (keys.has(key)) return null;
      keys.set(key, value);
      return 'OK';
    },
  };
  return fake;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('RedisWebhookDeduper', () => {
  it('knows a webhook id only once it was marked delivered, with SET NX and a one-day TTL', async () => {
    const redis = memoryRedis();
    const dedupe = new RedisWebhookDeduper(redis as unknown as Redis, logger);
    expect(await dedupe.isDuplicate('b54557e4')).toBe(false);
    expect(await dedupe.isDuplicate('b54557e4')).toBe(false);
    await dedupe.markDelivered('b54557e4');
    expect(await dedupe.isDuplicate('b54557e4')).toBe(true);
    expect(await dedupe.isDuplicate('c0ffee00')).toBe(false);
    expect(redis.sets).toEqual([['stockhub:shopify:webhook:b54557e4', '1', 'EX', 86400, 'NX']]);
  });

  it('treats everything as new when Redis fails, and never throws', async () => {
    const broken = { exists: async () => Promise.reject(new Error('ECONNREFUSED')), set: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const dedupe = new RedisWebhookDeduper(broken as unknown as Redis, logger);
    expect(await dedupe.isDuplicate('b54557e4')).toBe(false);
    await expect(dedupe.markDelivered('b54557e4')).resolves.toBeUndefined();
  });

  it('does not wait on a Redis that never answers longer than its timeout', async () => {
    const silent = { exists: () => new Promise(() => {}), set: () => new Promise(() => {}) };
    const dedupe = new RedisWebhookDeduper(silent as unknown as Redis, logger, { timeoutMs: 50 });
    const started = Date.now();
    expect(await dedupe.isDuplicate('b54557e4')).toBe(false);
    await dedupe.markDelivered('b54557e4');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('goes on without a real ioredis client whose server is down (commands queue while it reconnects)', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: await closedPort() });
    redis.on('error', () => {});
    try {
      const dedupe = new RedisWebhookDeduper(redis, logger, { timeoutMs: 100 });
      expect(await dedupe.isDuplicate('b54557e4')).toBe(false);
      await dedupe.markDelivered('b54557e4');
    } finally {
      redis.disconnect();
    }
  });
});
