import { z } from 'zod';
import { stackConfigSchema } from '../core/config';

/** The sink service's settings (environment, with config/stack.env as defaults). */
export const sinkConfigSchema = stackConfigSchema.pick({ KAFKA_BROKERS: true, REDIS_URL: true }).extend({
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
});
export type SinkConfig = z.infer<typeof sinkConfigSchema>;
