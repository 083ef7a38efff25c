/**
 * The ERP stand-in's import job, not the hub's: what the ERP's own scheduler does in production,
 * calling ERPADM.IMPORT_HUBIMP() (interface.sql) so that the interface rows the hub's write-back
 * leaves at status N are posted to the journal and the balance (status P) or rejected (E). The
 * hub only ever inserts interface rows; without this job, under `npm start` they would stay at N.
 * Tests do not run it: they call the import themselves when they need it.
 *   node --import tsx connectors/standins/erp-postgres/import-job.ts
 */
import express from 'express';
import { Pool } from 'pg';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { loadConfig, stackConfigSchema } from '../../../core/config';
import { createOpsRouter, listen } from '../../../core/http';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { runService } from '../../../core/process';
import { ImportSchedule } from './import-schedule';

const SERVICE = 'erp-import-job';

const configSchema = stackConfigSchema.pick({ ERP_PG_HOST: true, ERP_PG_PORT: true, ERP_PG_DATABASE: true, ERP_PG_USER: true, ERP_PG_PASSWORD: true }).extend({
  /**
   * From the end of one import to the start of the next, in ms. Default 30,000: short, so that a
   * demo shows the ERP's balance move within a minute; a real ERP runs such a job every few minutes.
   */
  ERP_IMPORT_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Port of /health and /metrics. Default 8096 (beside the Shopify emulator's 8095: the stand-ins' ports). */
  ERP_IMPORT_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8096),
});

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(configSchema);
  const logger = createLogger(SERVICE);
  const metrics = createMetrics(SERVICE);
  const erp = new Pool({
    host: config.ERP_PG_HOST,
    port: config.ERP_PG_PORT,
    database: config.ERP_PG_DATABASE,
    user: config.ERP_PG_USER,
    password: config.ERP_PG_PASSWORD,
    // One connection for the import, one for /health.
    max: 2,
    // No query timeout: a backlog is posted in one run however long it takes; a timeout would
    // roll that run back, and every run after it, for as long as the backlog lasts.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client whose server went away emits 'error'; without a listener that kills the process.
  erp.on('error', (error) => logger.warn({ err: error }, 'idle ERP connection lost'));
  const schedule = new ImportSchedule({
    importOnce: async () => (await erp.query<{ posted: number }>('SELECT "ERPADM"."IMPORT_HUBIMP"() AS posted')).rows[0]?.posted ?? 0,
    intervalMs: config.ERP_IMPORT_INTERVAL_MS,
    logger,
    posted: new Counter({ name: 'erp_standin_import_posted_rows_total', help: "Interface rows the ERP stand-in's import job posted to the journal", registers: [metrics.registry] }),
    runs: new Counter({ name: 'erp_standin_import_runs_total', help: "Runs of the ERP stand-in's import job, by outcome (ok, failed)", labelNames: ['outcome'] as const, registers: [metrics.registry] }),
  });

  const app = express();
  app.use(createOpsRouter(SERVICE, metrics, { erp: async () => (await erp.query('SELECT 1')).rowCount === 1 }));
  const server = listen(app, config.ERP_IMPORT_HTTP_PORT, logger, '/health, /metrics');
  logger.info({ intervalMs: config.ERP_IMPORT_INTERVAL_MS }, 'ERP stand-in import job scheduled');
  schedule.start();

  return async () => {
    server.close();
    await schedule.stop();
    await erp.end();
  };
}

runService(SERVICE, createLogger(SERVICE), main);
