import Redis from 'ioredis';
import type { Logger } from '../logging';

export type { Redis };

/**
 * A Redis client for a cache: commands fail fast while Redis is down instead of queueing (the
 * callers fall back to the source of truth), and it keeps reconnecting in the background.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message }, 'redis unavailable; carrying on without the cache');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis back');
    down = false;
  });
  return redis;
}
