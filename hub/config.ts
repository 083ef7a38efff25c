import { z } from 'zod';
import { developmentFileSetting, stackConfigSchema } from '../core/config';
import { DEFAULT_MAX_LINE_QUANTITY } from '../core/model';

const port = z.coerce.number().int().min(1).max(65535);

/** The hub's database: postgres://user@host:port/database (config/stack.env). */
export const hubDbConfigSchema = z.object({ HUB_PG_URL: z.string().url() });

export const reconcilerConfigSchema = stackConfigSchema
  .pick({ KAFKA_BROKERS: true, REDIS_URL: true })
  .merge(hubDbConfigSchema)
  .extend({
    /** Consumer group on stock.movements. Default stockhub-reconciler. */
    RECONCILER_GROUP: z.string().min(1).default('stockhub-reconciler'),
    /** Port of /health and /metrics. Default 8091. */
    RECONCILER_HTTP_PORT: port.default(8091),
    /** Topic to reconcile; tests and benchmarks point it at their own. Default stock.movements. */
    RECONCILER_TOPIC: z.string().min(1).default('stock.movements'),
    /** Topic level changes are published to. Default stock.levels. */
    LEVELS_TOPIC: z.string().min(1).default('stock.levels'),
  });
export type ReconcilerConfig = z.infer<typeof reconcilerConfigSchema>;

export const apiConfigSchema = stackConfigSchema
  .pick({ KAFKA_BROKERS: true, REDIS_URL: true })
  .merge(hubDbConfigSchema)
  .extend({
    /** Port of the stock and reservation API. Default 8080. */
    API_HTTP_PORT: port.default(8080),
    /** Bearer tokens (hub/auth); development: config/api-tokens.json. */
    API_TOKENS_FILE: developmentFileSetting,
    /** How often expired reservations are released, in ms. Default 1000. */
    RESERVATION_SWEEP_MS: z.coerce.number().int().min(100).default(1_000),
    /** Most units one reservation may hold, in units. Default 10,000 (the till lines' limit). */
    RESERVATION_MAX_QUANTITY: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_LINE_QUANTITY),
    /** Longest reservation TTL accepted, in seconds. Default 7 days. */
    RESERVATION_MAX_TTL_S: z.coerce.number().int().min(1).default(7 * 24 * 3600),
    /** Refill Redis from PostgreSQL at start-up (the cache holds nothing of its own). Default true. */
    API_REFILL_CACHE: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Topic level changes are published to. Default stock.levels. */
    LEVELS_TOPIC: z.string().min(1).default('stock.levels'),
  });
export type ApiConfig = z.infer<typeof apiConfigSchema>;
