import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logging';
import type { LevelView } from './level';

/**
 * Redis holds, per SKU, a hash `stock:{sku}` of location -> level view. A hash that exists is
 * complete (every location of the SKU): write-through only updates hashes that exist, and a
 * missing hash is filled whole from PostgreSQL. Every field write is guarded by the level's
 * version, so a late writer can never put an older level over a newer one. Redis is a cache
 * only: every method here degrades to "not cached" when Redis is down.
 */
const key = (sku: string) => `stock:${sku}`;

// KEYS[1] hash; ARGV: onlyIfExists, ttlSeconds, then (field, json, version) triples.
const SET_NEWER = `
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = 0
for i = 3, #ARGV, 3 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if (not current) or cjson.decode(current).version < tonumber(ARGV[i + 2]) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    n = n + 1
  end
end
if tonumber(ARGV[2]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return n`;

export interface CacheRead {
  /** Complete views per SKU found in Redis. */
  hits: Map<string, LevelView[]>;
  /** SKUs Redis had nothing for. */
  misses: string[];
}

export class LevelCache {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    /** Lifetime of a hash filled on a read miss, in seconds: bounds the one race a read-through fill can lose. Default 60. */
    private readonly readFillTtlSeconds = 60,
  ) {
    this.redis.defineCommand('stockSetNewer', { numberOfKeys: 1, lua: SET_NEWER });
  }

  /** Write-through of changed levels; false when Redis is unavailable (the levels are safe in PostgreSQL). */
  async writeThrough(views: readonly LevelView[]): Promise<boolean> {
    return this.run('write-through', async () => {
      const pipeline = this.redis.pipeline();
      for (const view of views) (pipeline as unknown as SetNewer).stockSetNewer(key(view.sku), '1', '0', view.locationId, JSON.stringify(view), String(view.version));
      await pipeline.exec();
    });
  }

  /** Fills whole SKUs (all their locations); `ttlSeconds` 0 keeps them until evicted. */
  async fill(bySku: ReadonlyMap<string, readonly LevelView[]>, ttlSeconds: number): Promise<boolean> {
    return this.run('fill', async () => {
      const pipeline = this.redis.pipeline();
      for (const [sku, views] of bySku) {
        const args = views.flatMap((v) => [v.locationId, JSON.stringify(v), String(v.version)]);
        (pipeline as unknown as SetNewer).stockSetNewer(key(sku), '0', String(ttlSeconds), ...args);
      }
      await pipeline.exec();
    });
  }

  async fillOnMiss(bySku: ReadonlyMap<string, readonly LevelView[]>): Promise<boolean> {
    return this.fill(bySku, this.readFillTtlSeconds);
  }

  /** Null when Redis is unavailable. */
  async read(skus: readonly string[]): Promise<CacheRead | null> {
    try {
      const pipeline = this.redis.pipeline();
      for (const sku of skus) pipeline.hgetall(key(sku));
      const results = (await pipeline.exec()) ?? [];
      const hits = new Map<string, LevelView[]>();
      const misses: string[] = [];
      skus.forEach((sku, i) => {
        const [error, hash] = results[i] ?? [new Error('no reply'), null];
        if (error) throw error;
        const fields = Object.values((hash ?? {}) as Record<string, string>);
        if (fields.length === 0) misses.push(sku);
        else hits.set(sku, fields.map((json) => JSON.parse(json) as LevelView));
      });
      return { hits, misses };
    } catch (error) {
      this.logger.debug({ err: (error as Error).message }, 'redis read failed; serving from PostgreSQL');
      return null;
    }
  }

  private async run(what: string, action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      this.logger.debug({ err: (error as Error).message, what }, 'redis unavailable; skipped');
      return false;
    }
  }
}

interface SetNewer {
  stockSetNewer(key: string, onlyIfExists: string, ttl: string, ...args: string[]): void;
}
