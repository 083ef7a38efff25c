/** The reconciler service: stock.movements -> ledger + levels (PostgreSQL) -> stock.levels + Redis. */
import express from 'express';
import { loadConfig } from '../../core/config';
import { createOpsRouter, listen } from '../../core/http';
import { connectProducer, createKafka } from '../../core/kafka';
import { createLogger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import { runService } from '../../core/process';
import { createRedis } from '../../core/redis';
import { reconcilerConfigSchema } from '../config';
import { createPool, migrate } from '../db';
import { LevelCache, LevelPublisher } from '../levels';
import { createReconcilerMetrics } from './metrics';
import { Reconciler } from './reconciler';

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(reconcilerConfigSchema);
  const logger = createLogger('reconciler');
  const metrics = createMetrics('reconciler');
  await migrate(config.HUB_PG_URL, (line) => logger.info(line));
  const pool = createPool(config.HUB_PG_URL, logger);
  const redis = createRedis(config.REDIS_URL, logger);
  const kafka = createKafka({ clientId: 'stockhub-reconciler', brokers: config.KAFKA_BROKERS, logger });
  const producer = await connectProducer(kafka);
  const levels = new LevelPublisher(pool, producer, new LevelCache(redis, logger), config.LEVELS_TOPIC, logger);
  const reconciler = new Reconciler(kafka, pool, levels, { groupId: config.RECONCILER_GROUP, topic: config.RECONCILER_TOPIC }, logger, createReconcilerMetrics(metrics));

  const app = express();
  app.use(createOpsRouter('reconciler', metrics, { kafka: () => reconciler.health(), postgres: async () => (await pool.query('SELECT 1')).rowCount === 1 }));
  const server = listen(app, config.RECONCILER_HTTP_PORT, logger, '/health, /metrics');
  await reconciler.start();

  return async () => {
    server.close();
    await reconciler.stop();
    await producer.disconnect();
    redis.disconnect();
    await pool.end();
  };
}

runService('reconciler', createLogger('reconciler'), main);
