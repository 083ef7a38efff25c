import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

/**
 * Where the stack's services listen. Defaults live in config/stack.env (shared with
 * scripts/stack); the process environment overrides them.
 */
export const stackConfigSchema = z.object({
  /** Comma-separated host:port list of Kafka bootstrap brokers. */
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',').map((broker) => broker.trim())),
  /** Base URL of the Kafka Connect REST API. */
  CONNECT_URL: z.string().url(),
  ERP_PG_HOST: z.string().min(1),
  ERP_PG_PORT: port,
  ERP_PG_DATABASE: z.string().min(1),
  ERP_PG_USER: z.string().min(1),
  ERP_PG_PASSWORD: z.string(),
  WMS_DB_HOST: z.string().min(1),
  WMS_DB_PORT: port,
  WMS_DB_DATABASE: z.string().min(1),
  WMS_DB_USER: z.string().min(1),
  WMS_DB_PASSWORD: z.string(),
  /** redis://host:port of the cache. */
  REDIS_URL: z.string().url(),
});
export type StackConfig = z.infer<typeof stackConfigSchema>;
