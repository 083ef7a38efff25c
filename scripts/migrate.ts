/**
 * Applies the hub's database migrations (run by scripts/stack up). With --recreate (a freshly
 * seeded ERP stand-in) it first drops the hub's database and empties the Redis cache: both hold
 * the truth of an older stand-in, whose CDC event ids the new one would repeat.
 */
import Redis from 'ioredis';
import { loadConfig, stackConfigSchema } from '../core/config';
import { hubDbConfigSchema } from '../hub/config';
import { dropDatabase, migrate } from '../hub/db';

const log = (line: string): void => void process.stderr.write(`[stack] hub db: ${line}\n`);

async function recreate(url: string, redisUrl: string): Promise<void> {
  const database = await dropDatabase(url);
  // Not the services' cache client, which fails commands until it is connected: this must wait for Redis once.
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
  log(`dropped ${database} and emptied the cache: the ERP stand-in is new`);
}

async function main(): Promise<void> {
  const config = loadConfig(hubDbConfigSchema.merge(stackConfigSchema.pick({ REDIS_URL: true })));
  if (process.argv.includes('--recreate')) await recreate(config.HUB_PG_URL, config.REDIS_URL);
  const applied = await migrate(config.HUB_PG_URL, log);
  log(`${applied.length} migration(s) applied, schema current`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[stack] ERROR: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
