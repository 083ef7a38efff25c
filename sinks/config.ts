import { z } from 'zod';
import { developmentFileSetting, stackConfigSchema } from '../core/config';
import { DEFAULT_MAX_CLOCK_SKEW_S, DEFAULT_MAX_LINE_QUANTITY, type TillEventLimits } from '../core/model';

/** The sink service's settings (environment, with config/stack.env as defaults in development). */
export const sinkConfigSchema = stackConfigSchema.pick({ KAFKA_BROKERS: true, REDIS_URL: true }).extend({
  /** The shop and the app's secrets (core/shopify/config.ts); development: config/shopify.json. */
  SHOPIFY_CONFIG_FILE: developmentFileSetting,
  /** The stores' PDV tokens (sinks/pdv/store-tokens.ts); development: config/stores.json. */
  STORE_TOKENS_FILE: developmentFileSetting,
  /** Port of the ingest API (PDV posts, Shopify webhooks) and of /health and /metrics. Default 8090. */
  SINK_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8090),
  /** Consumer group of the Debezium sink. Default stockhub-sink-debezium. */
  SINK_DEBEZIUM_GROUP: z.string().min(1).default('stockhub-sink-debezium'),
  /**
   * Where a consumer group with no committed offset starts: `earliest` (default) takes in the
   * connectors' initial snapshots, the opening balances; `latest` only what happens from now.
   * `latest` commits the current end for every partition before the first join, so a restart
   * resumes from there rather than skipping what arrived while the sink was down.
   */
  SINK_START_FROM: z.enum(['earliest', 'latest']).default('earliest'),
  /** Consumer group of the Shopify webhook normalizer. Default stockhub-sink-shopify. */
  SINK_SHOPIFY_GROUP: z.string().min(1).default('stockhub-sink-shopify'),
  /**
   * How far ahead of this service's clock a till event's occurredAt may be, in seconds; further
   * is refused with 400 naming occurredAt. Default 300 (5 minutes), at most a day.
   */
  SINK_MAX_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(86_400).default(DEFAULT_MAX_CLOCK_SKEW_S),
  /** Most units one till event (one receipt line) may carry; more is refused with 400 naming quantity. Default 10000. */
  SINK_MAX_LINE_QUANTITY: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_LINE_QUANTITY),
});
export type SinkConfig = z.infer<typeof sinkConfigSchema>;

/** The PDV ingest's limits, in the model's units. */
export const tillLimitsOf = (config: SinkConfig): TillEventLimits => ({
  maxClockSkewMs: config.SINK_MAX_CLOCK_SKEW_S * 1000,
  maxLineQuantity: config.SINK_MAX_LINE_QUANTITY,
});
