/**
 * ERP write-back: movements that happened in other systems are written to the ERP's interface
 * table (ERPADM.HUBIMP), which the ERP imports with its own job: the ERP is not changed. Each row
 * carries the hub's event id; the ERP's import copies it into the journal, and the Debezium sink
 * recognizes that row as the hub's own (echoMarker) when CDC brings it back.
 */
import express from 'express';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { loadConfig, stackConfigSchema } from '../../../core/config';
import { createOpsRouter, listen } from '../../../core/http';
import { connectProducer, createKafka, StageConsumer } from '../../../core/kafka';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { runService } from '../../../core/process';
import { TOPICS } from '../../../core/topics';
import { loadInterfaceLimits } from './interface-limits';
import { erpTypeCodes, type InterfaceRow } from './interface-rows';
import { createPostgresWriter } from './postgres-writer';
import { writebackStage } from './stage';

const configSchema = stackConfigSchema
  .pick({ KAFKA_BROKERS: true, ERP_PG_HOST: true, ERP_PG_PORT: true, ERP_PG_DATABASE: true, ERP_PG_USER: true, ERP_PG_PASSWORD: true })
  .extend({
    /** Consumer group on stock.movements. Default stockhub-erp-writeback. */
    WRITEBACK_GROUP: z.string().min(1).default('stockhub-erp-writeback'),
    /** The canonical topic it reads. Default stock.movements (tests and benchmarks use their own). */
    WRITEBACK_TOPIC: z.string().min(1).default(TOPICS.movements),
    /** Port of /health and /metrics. Default 8092. */
    WRITEBACK_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8092),
    /**
     * Where a new group starts. Default latest: a new deployment must not post history the ERP
     * already has (the nightly batch brought it).
     */
    WRITEBACK_START_FROM: z.enum(['earliest', 'latest']).default('latest'),
    /**
     * live inserts interface rows; shadow logs the rows it would insert and writes nothing
     * (phase 1 of docs/rollout.md, while the nightly batch still feeds the ERP). Default live.
     */
    WRITEBACK_MODE: z.enum(['live', 'shadow']).default('live'),
    /** Hub locations the ERP has no branch for, as hub:erp pairs. Default WEB:DC01 (the web ships from the DC). */
    WRITEBACK_LOCATIONS: z
      .string()
      .default('WEB:DC01')
      .transform((pairs) => Object.fromEntries(pairs.split(',').filter(Boolean).map((pair) => pair.split(':') as [string, string]))),
    /** The interface table's column limits. Default config/erp-writeback.json. */
    WRITEBACK_LIMITS_FILE: z.string().min(1).optional(),
    /** Longest wait for the ERP's answer to one insert, in ms (a network that drops packets never answers). Default 15,000. */
    WRITEBACK_ERP_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  });

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(configSchema);
  const logger = createLogger('erp-writeback');
  const metrics = createMetrics('erp-writeback');
  const codes = erpTypeCodes();
  const limits = loadInterfaceLimits(config.WRITEBACK_LIMITS_FILE);
  const writer = createPostgresWriter(
    { host: config.ERP_PG_HOST, port: config.ERP_PG_PORT, database: config.ERP_PG_DATABASE, user: config.ERP_PG_USER, password: config.ERP_PG_PASSWORD, timeoutMs: config.WRITEBACK_ERP_TIMEOUT_MS },
    logger,
  );
  const kafka = createKafka({ clientId: 'stockhub-erp-writeback', brokers: config.KAFKA_BROKERS, logger });
  const producer = await connectProducer(kafka);
  const written = new Counter({ name: 'stockhub_erp_writeback_rows_total', help: 'Interface rows written for the ERP import', registers: [metrics.registry] });
  const shadowed = new Counter({ name: 'stockhub_erp_writeback_shadow_rows_total', help: 'Interface rows shadow mode would have written', registers: [metrics.registry] });
  if (config.WRITEBACK_MODE === 'shadow') logger.warn('shadow mode: nothing is written to the ERP; each row it would write is logged');

  const erpUp = (): Promise<boolean> => writer.ping();
  const consumer = new StageConsumer<InterfaceRow | null>(
    kafka,
    {
      name: 'erp-writeback',
      groupId: config.WRITEBACK_GROUP,
      topics: [config.WRITEBACK_TOPIC],
      startFrom: config.WRITEBACK_START_FROM,
      stage: writebackStage({ writer, codes, locations: config.WRITEBACK_LOCATIONS, limits, mode: config.WRITEBACK_MODE, written, shadowed, logger }),
      deadLetters: { producer, topic: TOPICS.erpWritebackDlq },
      dependencies: config.WRITEBACK_MODE === 'live' ? { erp: erpUp } : {},
      tuning: { handleTimeoutMs: config.WRITEBACK_ERP_TIMEOUT_MS + 5_000 },
    },
    logger,
    metrics,
  );

  const app = express();
  app.use(createOpsRouter('erp-writeback', metrics, { kafka: () => consumer.health(), erp: erpUp }));
  const server = listen(app, config.WRITEBACK_HTTP_PORT, logger, '/health, /metrics');
  await consumer.start();

  return async () => {
    server.close();
    await consumer.stop();
    await producer.disconnect();
    await writer.close();
  };
}

runService('erp-writeback', createLogger('erp-writeback'), main);
