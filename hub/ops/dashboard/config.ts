import { z } from 'zod';
import { loadConfig, stackConfigSchema } from '../../../core/config';

const ms = z.coerce.number().int().min(1);

/**
 * The ops dashboard's settings. The addresses it reads from have no default (development:
 * config/stack.env's); the rest has a default that fits any deployment.
 */
export const dashboardConfigSchema = stackConfigSchema.pick({ CONNECT_URL: true }).extend({
  /**
   * Every Kafka Connect worker's JMX exporter endpoint (config/jmx/connect.yml), comma-separated:
   * Debezium's capture lag for the capture column (development: config/stack.env's).
   */
  CONNECT_METRICS_URLS: z
    .string()
    .min(1)
    .transform((urls) => urls.split(',').map((url) => url.trim()).filter(Boolean))
    .pipe(z.array(z.string().url()).min(1)),
  /** The Shopify channel's Prometheus endpoint (development: config/stack.env's). */
  DASHBOARD_SHOPIFY_METRICS_URL: z.string().url(),
  /** How often the page asks for the flow, in ms. Default 2000. */
  DASHBOARD_REFRESH_MS: ms.default(2_000),
  /** How long one flow summary is served to every caller, in ms. Default 1000. */
  DASHBOARD_CACHE_MS: ms.default(1_000),
  /** Longest wait for any one source (PostgreSQL, Kafka, Connect, channel metrics), in ms. Default 1500. */
  DASHBOARD_SOURCE_TIMEOUT_MS: ms.default(1_500),
  /**
   * Ledger rows (newest first) the per-system rates and last events are read from. Bounded so
   * that the query costs the same with ten or ten million rows. Default 50000: a full minute up to
   * ~830 movements/s (Black Friday peaks are ~150/s); above that the rate is taken over the
   * window's own time span and flagged.
   */
  DASHBOARD_LEDGER_WINDOW: z.coerce.number().int().min(100).default(50_000),
  /** Kafka consumer groups shown are those whose id starts with this. Default stockhub-. */
  DASHBOARD_GROUP_PREFIX: z.string().min(1).default('stockhub-'),
  /** The reconciler's group: its offsets live in PostgreSQL (consumer_offsets). Default stockhub-reconciler. */
  RECONCILER_GROUP: z.string().min(1).default('stockhub-reconciler'),
  /** The reconciler's topic (its lag is measured against this topic's end). Default stock.movements. */
  RECONCILER_TOPIC: z.string().min(1).default('stock.movements'),
  /** Rows of a SKU's ledger trail. Default 50. */
  DASHBOARD_TRAIL_ROWS: z.coerce.number().int().min(1).max(500).default(50),
});
export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;

export const loadDashboardConfig = (env: NodeJS.ProcessEnv = process.env): DashboardConfig => loadConfig(dashboardConfigSchema, env);
