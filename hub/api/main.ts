/** The stock and reservation API: queries from Redis (PostgreSQL fallback), reservations, ledger. */
import { loadConfig } from '../../core/config';
import { listen } from '../../core/http';
import { connectProducer, createKafka } from '../../core/kafka';
import { createLogger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import { runService } from '../../core/process';
import { createRedis } from '../../core/redis';
import { apiConfigSchema } from '../config';
import { createPool, migrate } from '../db';
import { LevelCache, LevelPublisher, refillCache } from '../levels';
import { createOpsDashboard } from '../ops/dashboard';
import { createApiApp } from './app';
import { loadApiTokens } from '../auth';
import { Reservations } from './reservations';
import { StockReader } from './stock-reader';

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(apiConfigSchema);
  const logger = createLogger('api');
  const metrics = createMetrics('api');
  const tokens = loadApiTokens(config.API_TOKENS_FILE);
  await migrate(config.HUB_PG_URL, (line) => logger.info(line));
  const pool = createPool(config.HUB_PG_URL, logger, 20);
  const redis = createRedis(config.REDIS_URL, logger);
  const cache = new LevelCache(redis, logger);
  const kafka = createKafka({ clientId: 'stockhub-api', brokers: config.KAFKA_BROKERS, logger });
  const producer = await connectProducer(kafka);
  const levels = new LevelPublisher(pool, producer, cache, config.LEVELS_TOPIC, logger);
  const reservations = new Reservations(pool, levels, logger);

  const app = createApiApp({
    pool,
    stock: new StockReader(pool, cache, logger),
    reservations,
    tokens,
    maxTtlSeconds: config.RESERVATION_MAX_TTL_S,
    maxQuantity: config.RESERVATION_MAX_QUANTITY,
    logger,
    metrics,
    health: { postgres: async () => (await pool.query('SELECT 1')).rowCount === 1 },
  });
  app.use(createOpsDashboard({ pool, kafka, metrics, logger, tokens }).router);
  const server = listen(app, config.API_HTTP_PORT, logger, '/v1/stock, /v1/reservations, /health, /metrics');

  const sweep = setInterval(() => {
    reservations.expire().then(
      (n) => n > 0 && logger.info({ expired: n }, 'reservations expired'),
      (error: unknown) => logger.warn({ err: (error as Error).message }, 'reservation expiry failed; will retry'),
    );
  }, config.RESERVATION_SWEEP_MS);
  // Refill in the background, now and whenever Redis comes back (it keeps nothing on disk);
  // until a refill is done, misses are read from PostgreSQL and put back.
  const refill = (): void => {
    if (config.API_REFILL_CACHE) void refillCache(pool, cache, logger).catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'cache refill failed'));
  };
  if (redis.status === 'ready') refill();
  redis.on('ready', refill);

  return async () => {
    clearInterval(sweep);
    server.close();
    await producer.disconnect();
    redis.disconnect();
    await pool.end();
  };
}

runService('api', createLogger('api'), main);
