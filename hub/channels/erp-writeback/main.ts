/**
 * ERP write-back: movements that happened in other systems are written to the ERP's interface
 * table (ERPADM.HUBIMP), which the ERP imports with its own job: the ERP is not changed. Each row
 * carries the hub's event id; the ERP's import copies it into the journal, and the Debezium sink
 * recognizes that row as the hub's own (echoMarker) when CDC brings it back.
 */
import express from 'express';
import { Pool } from 'pg';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { loadConfig, stackConfigSchema } from '../../../core/config';
import { createOpsRouter, listen } from '../../../core/http';
import { commitEndForUncommittedPartitions, createKafka } from '../../../core/kafka';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { checkMovement, type StockMovement } from '../../../core/model';
import { runService } from '../../../core/process';
import { TOPICS } from '../../../core/topics';
import { erpTypeCodes, toInterfaceRows } from './interface-rows';
import { writeInterfaceRows } from './writer';

const configSchema = stackConfigSchema
  .pick({ KAFKA_BROKERS: true, ERP_PG_HOST: true, ERP_PG_PORT: true, ERP_PG_DATABASE: true, ERP_PG_USER: true, ERP_PG_PASSWORD: true })
  .extend({
    /** Consumer group on stock.movements. Default stockhub-erp-writeback. */
    WRITEBACK_GROUP: z.string().min(1).default('stockhub-erp-writeback'),
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
  });

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(configSchema);
  const logger = createLogger('erp-writeback');
  const metrics = createMetrics('erp-writeback');
  const codes = erpTypeCodes();
  const erp = new Pool({ host: config.ERP_PG_HOST, port: config.ERP_PG_PORT, database: config.ERP_PG_DATABASE, user: config.ERP_PG_USER, password: config.ERP_PG_PASSWORD, max: 2 });
  const kafka = createKafka({ clientId: 'stockhub-erp-writeback', brokers: config.KAFKA_BROKERS, logger });
  const written = new Counter({ name: 'stockhub_erp_writeback_rows_total', help: 'Interface rows written for the ERP import', registers: [metrics.registry] });
  const shadowed = new Counter({ name: 'stockhub_erp_writeback_shadow_rows_total', help: 'Interface rows shadow mode would have written', registers: [metrics.registry] });
  if (config.WRITEBACK_MODE === 'shadow') logger.warn('shadow mode: nothing is written to the ERP; each row it would write is logged');
  if (config.WRITEBACK_START_FROM === 'latest') await commitEndForUncommittedPartitions(kafka, config.WRITEBACK_GROUP, [TOPICS.movements], logger);
  const consumer = kafka.consumer({ groupId: config.WRITEBACK_GROUP, sessionTimeout: 10_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 100 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  consumer.on(consumer.events.CRASH, () => (joined = false));

  const app = express();
  app.use(createOpsRouter('erp-writeback', metrics, { kafka: () => joined, erp: async () => (await erp.query('SELECT 1')).rowCount === 1 }));
  const server = listen(app, config.WRITEBACK_HTTP_PORT, logger, '/health, /metrics');

  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.movements, fromBeginning: config.WRITEBACK_START_FROM === 'earliest' });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const events: StockMovement[] = [];
      for (const message of batch.messages) {
        const checked = checkMovement(message.value === null ? null : JSON.parse(message.value.toString('utf8')));
        if (checked.ok) events.push(checked.event);
      }
      const rows = toInterfaceRows(events, codes, config.WRITEBACK_LOCATIONS);
      if (config.WRITEBACK_MODE === 'shadow') {
        for (const row of rows) logger.info({ eventId: row.hubEventId, sku: row.itemCode, branch: row.branchCode, type: row.typeCode, quantity: row.quantity }, 'shadow: would write to the ERP interface table');
        shadowed.inc(rows.length);
        resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
        await heartbeat();
        return;
      }
      const inserted = await writeInterfaceRows(erp, rows);
      written.inc(inserted);
      for (const row of rows) logger.debug({ eventId: row.hubEventId, sku: row.itemCode, branch: row.branchCode }, 'written back');
      if (inserted > 0) logger.info({ inserted, partition: batch.partition }, 'interface rows written for the ERP');
      resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
      await heartbeat();
    },
  });

  return async () => {
    server.close();
    await consumer.disconnect();
    await erp.end();
  };
}

runService('erp-writeback', createLogger('erp-writeback'), main);
