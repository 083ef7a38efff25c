import { z } from 'zod';
import { stackConfigSchema } from '../../../core/config';
import { TOPICS } from '../../../core/topics';

/** What the write-back needs whichever database holds the interface table. */
const writebackSettingsSchema = stackConfigSchema.pick({ KAFKA_BROKERS: true }).extend({
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
  /**
   * Longest wait for the ERP's answer, in ms (a network that drops packets never answers): per
   * query on PostgreSQL, per round trip and per wait for a pooled connection on Oracle. Default 15,000.
   */
  WRITEBACK_ERP_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
});

const postgresSchema = stackConfigSchema.pick({ ERP_PG_HOST: true, ERP_PG_PORT: true, ERP_PG_DATABASE: true, ERP_PG_USER: true, ERP_PG_PASSWORD: true }).extend({
  /**
   * Which database holds the interface table: postgres (the local ERP stand-in, ERP_PG_*) or
   * oracle (production, ERP_ORACLE_*). Default postgres. Optional rather than defaulted so that
   * the union below picks this branch when the key is absent.
   */
  WRITEBACK_ERP_DB: z
    .literal('postgres')
    .optional()
    .transform((): 'postgres' => 'postgres'),
});

const oracleSchema = z.object({
  WRITEBACK_ERP_DB: z.literal('oracle'),
  /** Oracle Easy Connect string of the production ERP, e.g. erp-db.retailmax.internal:1521/ERPPRD. Required with oracle. */
  ERP_ORACLE_CONNECT_STRING: z.string().min(1),
  /** An Oracle account with CREATE SESSION and INSERT on ERPADM.HUBIMP only (connectors/production/erp-oracle-hubimp.sql). Required with oracle. */
  ERP_ORACLE_USER: z.string().min(1),
  /** That account's password. Required with oracle; there is no default. */
  ERP_ORACLE_PASSWORD: z.string().min(1),
  /**
   * Connections in the pool, at most. Default 2: the consumer writes one batch at a time, and
   * the health probe takes the other.
   */
  ERP_ORACLE_POOL_MAX: z.coerce.number().int().min(1).max(32).default(2),
});

/**
 * The write-back's configuration. The ERP's connection settings are a discriminated union on
 * WRITEBACK_ERP_DB, so a deployment is asked only for the keys of the database it chose, and a
 * missing one fails at start with its name.
 */
export const writebackConfigSchema = z.intersection(writebackSettingsSchema, z.discriminatedUnion('WRITEBACK_ERP_DB', [postgresSchema, oracleSchema]));
export type WritebackConfig = z.infer<typeof writebackConfigSchema>;
