import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { stackConfigSchema } from '../../../core/config';
import { ConfigError } from '../../../core/errors';
import { hubDbConfigSchema } from '../../config';

/**
 * Connections the report needs (config/stack.env, overridden by the environment). The ERP's
 * driver is postgres for the local stand-in and oracle (oracledb thin mode) for production.
 */
export const reportConfigSchema = stackConfigSchema
  .pick({
    KAFKA_BROKERS: true,
    ERP_PG_HOST: true,
    ERP_PG_PORT: true,
    ERP_PG_DATABASE: true,
    ERP_PG_USER: true,
    ERP_PG_PASSWORD: true,
    WMS_DB_HOST: true,
    WMS_DB_PORT: true,
    WMS_DB_DATABASE: true,
    WMS_DB_USER: true,
    WMS_DB_PASSWORD: true,
  })
  .merge(hubDbConfigSchema)
  .extend({
    /** How the ERP is read; --erp-driver overrides it. Default postgres (the stand-in). */
    STOCKHUB_ERP_DRIVER: z.enum(['postgres', 'oracle']).default('postgres'),
    /** Oracle Easy Connect string of the production ERP, e.g. erp-db.retailmax.internal:1521/ERPPRD. */
    ERP_ORACLE_CONNECT_STRING: z.string().min(1).optional(),
    /** A read-only Oracle account with SELECT on ERPADM.STKBAL. */
    ERP_ORACLE_USER: z.string().min(1).optional(),
    ERP_ORACLE_PASSWORD: z.string().optional(),
    /** config/store-agents.json unless set. */
    STOCKHUB_AGENTS_FILE: z.string().min(1).optional(),
    /** config/mappings unless set (as for the sinks). */
    MAPPINGS_DIR: z.string().min(1).optional(),
    /** The Shopify channel whose parked levels --system shopify lists (its consumer group). Default stockhub-shopify-channel. */
    SHOPIFY_CHANNEL_GROUP: z.string().min(1).default('stockhub-shopify-channel'),
  });
export type ReportConfig = z.infer<typeof reportConfigSchema>;

export const AGENTS_FILE = resolve(__dirname, '../../../config/store-agents.json');
export const MAPPINGS_DIR = resolve(__dirname, '../../../config/mappings');

/** config/store-agents.json: the local API of each store's agent, by hub location id. */
export const agentsFileSchema = z
  .object({
    agents: z.record(z.string().regex(/^S\d{3}$/, 'a store id is S followed by three digits'), z.string().url()),
  })
  .strict();
export type AgentsFile = z.infer<typeof agentsFileSchema>;

export function loadAgents(path: string = AGENTS_FILE): Record<string, string> {
  const parsed = agentsFileSchema.safeParse(readJson(path, 'STOCKHUB_AGENTS_FILE'));
  if (parsed.success) return parsed.data.agents;
  const issue = parsed.error.issues[0]!;
  throw new ConfigError(`invalid ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, issue.path.join('.'));
}

/**
 * The part of a source mapping (config/mappings/*.json, the sinks' declarative mappings) the
 * report reads: the balance table that holds a level per SKU and location, and how its columns
 * and location codes map to the hub's. Reading the same file the sink maps CDC with keeps the
 * report comparing exactly what the hub was fed.
 */
const balanceTableSchema = z.object({
  table: z.string().regex(/^[A-Za-z0-9_$]+(\.[A-Za-z0-9_$]+)?$/, 'schema.table'),
  mode: z.literal('balance'),
  columns: z.object({ sku: z.string().min(1), location: z.string().min(1), quantity: z.string().min(1) }).passthrough(),
  locations: z.record(z.string().min(1)).default({}),
});
export type BalanceTable = z.infer<typeof balanceTableSchema>;

const mappingFileSchema = z.object({ system: z.string(), tables: z.array(z.object({ mode: z.string() }).passthrough()) });

export function loadBalanceTable(system: 'ERP' | 'WMS', dir: string = MAPPINGS_DIR): BalanceTable {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const path = join(dir, file);
    const mapping = mappingFileSchema.safeParse(readJson(path, 'MAPPINGS_DIR'));
    if (!mapping.success || mapping.data.system !== system) continue;
    const table = mapping.data.tables.find((t) => t.mode === 'balance');
    if (table === undefined) throw new ConfigError(`${path}: no balance table to compare ${system} stock with`, `${file}:tables`);
    const parsed = balanceTableSchema.safeParse(table);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${path}: balance table ${issue.path.join('.')}: ${issue.message}`, `${file}:${issue.path.join('.')}`);
  }
  throw new ConfigError(`${dir}: no mapping for system ${system}`, 'MAPPINGS_DIR');
}

function readJson(path: string, key: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new ConfigError(`${path}: cannot read (${error instanceof Error ? error.message : String(error)})`, key);
  }
}
