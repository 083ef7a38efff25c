import { z } from 'zod';
import { developmentFileSetting, stackConfigSchema } from '../../../core/config';
import { hubDbConfigSchema } from '../../config';
import type { RowFailurePolicy } from './push-store';

const ms = z.coerce.number().int().min(0);

/**
 * A row Shopify refuses for a reason the channel does not know: tried this many times in all,
 * waiting 1 s, 2 s, 4 s, 8 s between tries (doubled, at most a minute), then parked. Five tries
 * span about 15 s: long enough for a passing refusal to pass, short enough that a bad row is
 * on the dashboard within a minute.
 */
export const ROW_FAILURE_DEFAULTS = { maxAttempts: 5, backoffMs: 1_000, backoffMaxMs: 60_000 } as const;

/** The Shopify channel's settings (environment); the shop itself is config/shopify.json. */
export const shopifyChannelConfigSchema = stackConfigSchema
  .pick({ KAFKA_BROKERS: true, REDIS_URL: true })
  .merge(hubDbConfigSchema)
  .extend({
    /** The shop and the app's secrets (core/shopify/config.ts); development: config/shopify.json. */
    SHOPIFY_CONFIG_FILE: developmentFileSetting,
    /** Consumer group on stock.levels, and the key of this channel's rows in shopify_push. Default stockhub-shopify-channel. */
    SHOPIFY_CHANNEL_GROUP: z.string().min(1).default('stockhub-shopify-channel'),
    /** Topic of level changes; tests point it at their own. Default stock.levels. */
    SHOPIFY_LEVELS_TOPIC: z.string().min(1).default('stock.levels'),
    /** Port of /health and /metrics. Default 8093. */
    SHOPIFY_CHANNEL_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8093),
    /**
     * live writes to Shopify; shadow computes and logs what it would write and writes nothing
     * (phase 1 of docs/rollout.md). Default live.
     */
    SHOPIFY_CHANNEL_MODE: z.enum(['live', 'shadow']).default('live'),
    /** Where a new consumer group starts. Default latest: the nightly batch already aligned Shopify. */
    SHOPIFY_CHANNEL_START_FROM: z.enum(['earliest', 'latest']).default('latest'),
    /** Quantities per inventorySetQuantities call, at most Shopify's 250. Default 250. */
    SHOPIFY_PUSH_BATCH: z.coerce.number().int().min(1).max(250).default(250),
    /**
     * inventorySetQuantities calls in flight at once while a backlog is due (after an outage),
     * each of up to SHOPIFY_PUSH_BATCH quantities; the cost bucket still paces them. Default 4.
     */
    SHOPIFY_PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
    /** How long a change may wait for others to share its call, in ms. Default 100. */
    SHOPIFY_COALESCE_MS: ms.default(100),
    /** Points left in Shopify's bucket for other apps and the report CLI. Default 100. */
    SHOPIFY_THROTTLE_RESERVE: z.coerce.number().int().min(0).default(100),
    /** Consecutive failed calls that open the circuit. Default 3. */
    SHOPIFY_CIRCUIT_FAILURES: z.coerce.number().int().min(1).default(3),
    /** First open period of the circuit, doubled while probes fail, in ms. Default 1000. */
    SHOPIFY_CIRCUIT_OPEN_MS: ms.default(1_000),
    /**
     * Longest open period, in ms. Default 5000: a probe every 5 s costs nothing, and a longer
     * period only delays the catch-up after a long outage (docs/performance.md).
     */
    SHOPIFY_CIRCUIT_MAX_OPEN_MS: ms.default(5_000),
    /** First retry delay after a failed call, doubled per attempt, in ms. Default 200. */
    SHOPIFY_BACKOFF_MS: ms.default(200),
    /** Longest retry delay, in ms. Default 5000. */
    SHOPIFY_BACKOFF_MAX_MS: ms.default(5_000),
    /**
     * After a lost compare-and-set, how long a level waits before it is written over Shopify's
     * value, in ms: time for the order that explains the difference to reach the hub. Default 2000.
     */
    SHOPIFY_STALE_RETRY_MS: ms.default(2_000),
    /**
     * Attempts of a row Shopify refuses (a user error the channel does not know, or a refusal of
     * the whole call narrowed down to the row) before it is parked: no longer pushed, shown on the
     * dashboard and in the report, retried by stockhub-shopify-parked or a new level version.
     * Failures that are not the row's (network, 5xx, throttling, circuit open) never count. Default 5.
     */
    SHOPIFY_ROW_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(ROW_FAILURE_DEFAULTS.maxAttempts),
    /** Wait of a refused row before its next attempt, doubled per attempt, in ms. Default 1000. */
    SHOPIFY_ROW_BACKOFF_MS: ms.default(ROW_FAILURE_DEFAULTS.backoffMs),
    /** Longest wait of a refused row between attempts, in ms. Default 60000. */
    SHOPIFY_ROW_BACKOFF_MAX_MS: ms.default(ROW_FAILURE_DEFAULTS.backoffMaxMs),
    /** How often orders are read back even without an outage (webhooks are lossy), in ms. Default 300000. */
    SHOPIFY_READBACK_EVERY_MS: ms.default(300_000),
    /** Read-back starts this long before the outage (or the last read-back), in ms. Default 60000. */
    SHOPIFY_READBACK_MARGIN_MS: ms.default(60_000),
    /**
     * With several instances one pushes (the leader, holding a PostgreSQL advisory lock) and the
     * others stand by: how often a standby tries for the lock, and the leader checks its session,
     * in ms. Default 1000: a takeover about a second after the leader's session ends.
     */
    SHOPIFY_LEADER_RETRY_MS: z.coerce.number().int().min(100).default(1_000),
    /** Longest wait for PostgreSQL on the lock's connection before the leader steps down, in ms. Default 2000. */
    SHOPIFY_LEADER_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(2_000),
    /**
     * PostgreSQL ends the lock's session after this long without a query, freeing the lock of a
     * frozen or cut-off leader, in ms; well above the retry period. Default 10000.
     */
    SHOPIFY_LEADER_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(10_000),
  });
export type ShopifyChannelConfig = z.infer<typeof shopifyChannelConfigSchema>;

/** The Pusher's rowFailure option from the channel's config. */
export const rowFailurePolicyOf = (config: ShopifyChannelConfig): RowFailurePolicy => ({
  maxAttempts: config.SHOPIFY_ROW_MAX_ATTEMPTS,
  backoffMs: config.SHOPIFY_ROW_BACKOFF_MS,
  backoffMaxMs: config.SHOPIFY_ROW_BACKOFF_MAX_MS,
});
