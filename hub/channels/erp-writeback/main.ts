/**
 * ERP write-back: movements that happened in other systems are written to the ERP's interface
 * table (ERPADM.HUBIMP), which the ERP imports with its own job: the ERP is not changed. Each row
 * carries the hub's event id; the ERP's import copies it into the journal, and the Debezium sink
 * recognizes that row as the hub's own (echoMarker) when CDC brings it back.
 * Options: ./config.ts (WRITEBACK_*; the ERP's database, WRITEBACK_ERP_DB with ERP_PG_* or ERP_ORACLE_*).
 */
import express from 'express';
import { Counter } from 'prom-client';
import { loadConfig } from '../../../core/config';
import { createOpsRouter, listen } from '../../../core/http';
import { connectProducer, createKafka, StageConsumer } from '../../../core/kafka';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { runService } from '../../../core/process';
import { TOPICS } from '../../../core/topics';
import { writebackConfigSchema } from './config';
import { loadInterfaceLimits } from './interface-limits';
import { erpTypeCodes, type InterfaceRow } from './interface-rows';
import { openInterfaceWriter } from './interface-writer';
import { writebackStage } from './stage';

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(writebackConfigSchema);
  const logger = createLogger('erp-writeback');
  const metrics = createMetrics('erp-writeback');
  const codes = erpTypeCodes();
  const limits = loadInterfaceLimits(config.WRITEBACK_LIMITS_FILE);
  const writer = await openInterfaceWriter(config, limits, logger);
  logger.info({ database: config.WRITEBACK_ERP_DB }, 'writing the ERP interface table');
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
