import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiVersion } from '@shopify/shopify-api';
import { z } from 'zod';
import { developmentFile } from '../config';
import { ConfigError } from '../errors';

/** Development values (dev secret and token, the shop's locations), read only with STOCKHUB_ENV=development; production sets SHOPIFY_CONFIG_FILE. */
export const SHOPIFY_CONFIG_FILE = resolve(__dirname, '../../config/shopify.json');

const hubLocationId = z.string().min(1).max(32);

/**
 * The Shopify app and shop. config/shopify.json holds every value; the environment overrides the
 * app's identity and secret (SHOPIFY_* below), which production never keeps in the repo.
 */
export const shopifyConfigSchema = z
  .object({
    /** The shop's myshopify domain (SHOPIFY_SHOP); the `source.instance` of its events. Dev: retailmax.myshopify.com. */
    shop: z.string().min(1).max(120),
    /** Admin API version the app speaks (SHOPIFY_API_VERSION). Dev: 2026-07. */
    apiVersion: z.nativeEnum(ApiVersion),
    /** The app's client id (SHOPIFY_API_KEY). */
    apiKey: z.string().min(1),
    /** The app's client secret (SHOPIFY_API_SECRET): Shopify signs every webhook with it (HMAC-SHA256). */
    apiSecret: z.string().min(1),
    /** host[:port] the app is reached at (SHOPIFY_APP_HOST). Dev: localhost:8090, the sink's HTTP port. */
    appHost: z.string().min(1),
    /** The app's Admin API access token (SHOPIFY_ACCESS_TOKEN); the dev value is what the emulator accepts. */
    accessToken: z.string().min(1),
    /**
     * Where Admin API calls really go (SHOPIFY_ADMIN_URL), e.g. the emulator at http://127.0.0.1:8095.
     * Unset in production: calls go to https://{shop}. Default unset.
     */
    adminUrl: z.string().url().optional(),
    /** Hub location of orders that carry no location_id (online orders). Default WEB. */
    webLocationId: hubLocationId.default('WEB'),
    /** Shopify location id (decimal, as Shopify sends it) -> hub location id. Default none. */
    locations: z.record(z.string().regex(/^\d+$/, 'a Shopify location id is decimal digits'), hubLocationId).default({}),
    /**
     * Hub locations where a quantity edited in Shopify (inventory_levels/update) is a stock count
     * the hub takes. Default none: the hub is the master everywhere, and Shopify also sends that
     * webhook for every order, where a count would overwrite receipts the hub has and Shopify not
     * yet; an edit made in Shopify then shows as drift in the reconciliation report.
     */
    countLocations: z.array(hubLocationId).default([]),
  })
  .strict();
export type ShopifyConfig = z.infer<typeof shopifyConfigSchema>;

/** Where Shopify's locations are in the hub: what the webhook mapping needs of the config. */
export type ShopifyLocationMap = Pick<ShopifyConfig, 'locations' | 'webLocationId' | 'countLocations'>;

const ENV_OVERRIDES = {
  SHOPIFY_SHOP: 'shop',
  SHOPIFY_API_VERSION: 'apiVersion',
  SHOPIFY_API_KEY: 'apiKey',
  SHOPIFY_API_SECRET: 'apiSecret',
  SHOPIFY_APP_HOST: 'appHost',
  SHOPIFY_ACCESS_TOKEN: 'accessToken',
  SHOPIFY_ADMIN_URL: 'adminUrl',
} as const satisfies Record<string, keyof ShopifyConfig>;

/** Reads the file, lays the environment over it and validates once; the first bad key fails fast by name. */
export function loadShopifyConfig(env: NodeJS.ProcessEnv = process.env, path: string = developmentFile('SHOPIFY_CONFIG_FILE', SHOPIFY_CONFIG_FILE, env)): ShopifyConfig {
  let file: Record<string, unknown>;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${path}: cannot read Shopify config (${String(error)})`, 'SHOPIFY_CONFIG_FILE');
  }
  const merged = { ...file };
  const envKeyOf = new Map<string, string>();
  for (const [envKey, key] of Object.entries(ENV_OVERRIDES)) {
    const value = env[envKey];
    if (value === undefined || value === '') continue;
    merged[key] = value;
    envKeyOf.set(key, envKey);
  }
  const parsed = shopifyConfigSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.path.join('.');
  const named = envKeyOf.get(key) ?? `${path}:${key}`;
  throw new ConfigError(`invalid Shopify config ${named}: ${issue.message}`, envKeyOf.get(key) ?? key);
}
