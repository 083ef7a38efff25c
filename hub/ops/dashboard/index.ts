/**
 * The ops dashboard: the data-flow page at GET /dashboard, fed by GET /v1/ops/flow and
 * GET /v1/ops/sku/:sku on the hub API, plus the flow gauges on the API's /metrics.
 * This file is the folder's only public face.
 */
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Router } from 'express';
import type { Logger } from '../../../core/logging';
import type { Metrics } from '../../../core/metrics';
import type { Caller } from '../../auth';
import { loadDashboardConfig, type DashboardConfig } from './config';
import { createFlowReader } from './flow';
import { SharedAdmin } from './kafka-admin';
import { registerFlowMetrics } from './metrics';
import { createDashboardRouter } from './router';

export { dashboardConfigSchema, type DashboardConfig } from './config';
export type { FlowSummary } from './flow';
export type { SkuView, TrailEntry } from './sku';
export { parsePrometheusText, type Sample } from './prom-text';

export interface OpsDashboardDeps {
  pool: Pool;
  /** The API's client: the dashboard opens one admin connection on it, on first use. */
  kafka: Kafka;
  metrics: Metrics;
  logger: Logger;
  tokens: ReadonlyMap<string, Caller>;
  /** Defaults to loadDashboardConfig() (environment over config/stack.env). */
  config?: DashboardConfig;
}

export interface OpsDashboard {
  router: Router;
  close(): Promise<void>;
}

/**
 * Mount with `app.use(createOpsDashboard({...}).router)`. Nothing connects until the page or a
 * scrape asks, so the API starts (and serves stock) with Kafka or Connect down.
 */
export function createOpsDashboard(deps: OpsDashboardDeps): OpsDashboard {
  const config = deps.config ?? loadDashboardConfig();
  const admin = new SharedAdmin(deps.kafka);
  const flow = createFlowReader({ pool: deps.pool, admin, registry: deps.metrics.registry, config });
  registerFlowMetrics(deps.metrics.registry, flow);
  const router = createDashboardRouter({
    pool: deps.pool,
    tokens: deps.tokens,
    flow,
    logger: deps.logger.child({ component: 'ops-dashboard' }),
    trailRows: config.DASHBOARD_TRAIL_ROWS,
    timeoutMs: config.DASHBOARD_SOURCE_TIMEOUT_MS,
  });
  return { router, close: () => admin.close() };
}
