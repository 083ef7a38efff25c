import { z } from 'zod';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { ConfigError } from '../../core/errors';
import { loadShopifyConfig } from '../../core/shopify';

/** Shopify's calculated-cost plans: points restored per second and bucket size. */
export const PLANS = {
  standard: { restoreRate: 100, maximumAvailable: 2_000 },
  advanced: { restoreRate: 200, maximumAvailable: 4_000 },
  plus: { restoreRate: 1_000, maximumAvailable: 20_000 },
} as const;
export type PlanName = keyof typeof PLANS;

const erpConnectionSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  database: z.string().min(1),
  user: z.string().min(1),
  password: z.string(),
});
export type ErpConnection = z.infer<typeof erpConnectionSchema>;

/**
 * Everything the emulator can be told. `loadEmulatorOptions` fills it from the environment
 * (names in brackets) and config/shopify.json; tests parse it directly with what they need.
 */
export const emulatorOptionsSchema = z
  .object({
    /** TCP port of the emulator [SHOPIFY_EMULATOR_PORT]; 0 picks a free one (tests). Default 8095. */
    port: z.number().int().min(0).max(65535).default(8095),
    /** The shop's myshopify domain (config/shopify.json shop): X-Shopify-Shop-Domain of webhooks. */
    shop: z.string().min(1),
    /** The one Admin API version answered; any other path version gets 404 (config apiVersion). */
    apiVersion: z.string().regex(/^\d{4}-\d{2}$/),
    /** The app's client secret: webhook HMAC-SHA256 key (config apiSecret). */
    apiSecret: z.string().min(1),
    /** The only X-Shopify-Access-Token accepted (config accessToken). */
    accessToken: z.string().min(1),
    /** Shopify location id (decimal) -> hub location code (config locations); one Location each, in this order. */
    locations: z.record(z.string().regex(/^\d+$/), z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'at least one location'),
    /** Hub code of the location online orders take stock from (config webLocationId). Default DC01. */
    webLocationId: z.string().min(1).default('DC01'),
    /** Where webhooks are POSTed [SHOPIFY_EMULATOR_WEBHOOK_URL]. Default the sink's edge. */
    webhookUrl: z.string().url().default('http://127.0.0.1:8090/webhooks/shopify'),
    /** Deliver webhooks at all [SHOPIFY_EMULATOR_WEBHOOKS=true|false]; off means lost (counted dropped). Default true. */
    webhooksEnabled: z.boolean().default(true),
    /** Deliveries in flight at once. Default 8. */
    webhookConcurrency: z.number().int().min(1).default(8),
    /**
     * Waits before each retry of a failed delivery, in ms [SHOPIFY_EMULATOR_WEBHOOK_RETRY_DELAYS_MS,
     * comma-separated]; its length is the number of retries. Default 8 retries after 1 s, 5 s, 15 s,
     * 30 s, 1 min, 2 min, 5 min and 10 min (about 19 min in all): Shopify's count and growing
     * backoff ("retried a total of 8 times over 4 hours", shopify.dev/changelog/updates-to-webhook-retry-mechanism),
     * shortened so that a test run sees the end of it, yet long enough to outlast a restarted broker or sink.
     */
    webhookRetryDelaysMs: z.array(z.number().int().min(0)).default([1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000]),
    /** Time a delivery attempt may take before it counts as failed, in ms (Shopify's is 5 s). Default 5000. */
    webhookTimeoutMs: z.number().int().min(1).default(5_000),
    /** Rate-limit plan [SHOPIFY_EMULATOR_PLAN]. Default standard (100 points/s, bucket 2000). */
    plan: z.enum(['standard', 'advanced', 'plus']).default('standard'),
    /** Points restored per second, overriding the plan's [SHOPIFY_EMULATOR_RESTORE_RATE]. Default the plan's. */
    restoreRate: z.number().positive().optional(),
    /** Bucket size in points, overriding the plan's [SHOPIFY_EMULATOR_BUCKET]. Default the plan's. */
    maximumAvailable: z.number().int().positive().optional(),
    /** Shopify refuses any single query costing more than this, whatever the bucket holds. Default 1000. */
    maxSingleQueryCost: z.number().int().positive().default(1_000),
    /** Opening catalogue [SHOPIFY_EMULATOR_SEED]: erp = the ERP stand-in's items and levels, none = empty. Default erp. */
    seedFrom: z.enum(['erp', 'none']).default('erp'),
    /** The ERP stand-in (config/stack.env ERP_PG_*); needed only when seedFrom is erp. */
    erp: erpConnectionSchema.optional(),
    /** Added to every Admin call, in ms, to mimic Shopify's own latency [SHOPIFY_EMULATOR_LATENCY_MS]. Default 0. */
    latencyMs: z.number().int().min(0).default(0),
    /** Applied level changes kept for /_emulator/changes (oldest dropped first). Default 200000. */
    changeBufferSize: z.number().int().min(1).default(200_000),
    /** How long an @idempotent key is remembered, in ms. Default 24 h. */
    idempotencyTtlMs: z.number().int().min(1).default(24 * 3600 * 1000),
  })
  .strict();
export type EmulatorOptions = z.infer<typeof emulatorOptionsSchema>;
export type EmulatorOptionsInput = z.input<typeof emulatorOptionsSchema>;

const int = (value: string | undefined, key: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ConfigError(`${key}: not a number: ${value}`, key);
  return n;
};

const ints = (value: string | undefined, key: string): number[] | undefined => {
  if (value === undefined || value === '') return undefined;
  return value.split(',').map((part) => {
    const n = int(part.trim(), key);
    if (n === undefined) throw new ConfigError(`${key}: empty entry in ${value}`, key);
    return n;
  });
};

const bool = (value: string | undefined, key: string): boolean | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(`${key}: expected true or false, got ${value}`, key);
};

const erpSchema = stackConfigSchema.pick({ ERP_PG_HOST: true, ERP_PG_PORT: true, ERP_PG_DATABASE: true, ERP_PG_USER: true, ERP_PG_PASSWORD: true });

/**
 * Options from the environment, config/shopify.json (shop, secret, token, locations) and
 * config/stack.env (the ERP connection), with `overrides` laid on top; fails fast naming the key.
 */
export function loadEmulatorOptions(env: NodeJS.ProcessEnv = process.env, overrides: Partial<EmulatorOptionsInput> = {}): EmulatorOptions {
  const shopify = loadShopifyConfig(env);
  const seedFrom = overrides.seedFrom ?? env.SHOPIFY_EMULATOR_SEED ?? 'erp';
  const erp = seedFrom === 'erp' ? loadConfig(erpSchema, env) : undefined;
  const input: Record<string, unknown> = {
    port: int(env.SHOPIFY_EMULATOR_PORT, 'SHOPIFY_EMULATOR_PORT'),
    shop: shopify.shop,
    apiVersion: shopify.apiVersion,
    apiSecret: shopify.apiSecret,
    accessToken: shopify.accessToken,
    locations: shopify.locations,
    webLocationId: shopify.webLocationId,
    webhookUrl: env.SHOPIFY_EMULATOR_WEBHOOK_URL || undefined,
    webhooksEnabled: bool(env.SHOPIFY_EMULATOR_WEBHOOKS, 'SHOPIFY_EMULATOR_WEBHOOKS'),
    webhookRetryDelaysMs: ints(env.SHOPIFY_EMULATOR_WEBHOOK_RETRY_DELAYS_MS, 'SHOPIFY_EMULATOR_WEBHOOK_RETRY_DELAYS_MS'),
    plan: env.SHOPIFY_EMULATOR_PLAN || undefined,
    restoreRate: int(env.SHOPIFY_EMULATOR_RESTORE_RATE, 'SHOPIFY_EMULATOR_RESTORE_RATE'),
    maximumAvailable: int(env.SHOPIFY_EMULATOR_BUCKET, 'SHOPIFY_EMULATOR_BUCKET'),
    seedFrom,
    erp: erp && { host: erp.ERP_PG_HOST, port: erp.ERP_PG_PORT, database: erp.ERP_PG_DATABASE, user: erp.ERP_PG_USER, password: erp.ERP_PG_PASSWORD },
    latencyMs: int(env.SHOPIFY_EMULATOR_LATENCY_MS, 'SHOPIFY_EMULATOR_LATENCY_MS'),
    ...overrides,
  };
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  const parsed = emulatorOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.path.join('.');
  throw new ConfigError(`invalid Shopify emulator option ${key}: ${issue.message}`, key);
}

/** The bucket the options ask for: the plan's numbers unless overridden. */
export function bucketOf(options: Pick<EmulatorOptions, 'plan' | 'restoreRate' | 'maximumAvailable'>): { restoreRate: number; maximumAvailable: number } {
  const plan = PLANS[options.plan];
  return { restoreRate: options.restoreRate ?? plan.restoreRate, maximumAvailable: options.maximumAvailable ?? plan.maximumAvailable };
}
