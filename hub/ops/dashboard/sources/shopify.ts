import type { Pool } from 'pg';
import { parsePrometheusText, sampleValue } from '../prom-text';

/** A level the channel parked after Shopify kept refusing it. */
export interface ParkedLevel {
  sku: string;
  location: string;
  attempts: number;
  reason: string | null;
  parkedAt: string;
}

export interface ShopifyQueue {
  /** Levels whose latest value Shopify does not show yet (wanted_version > pushed_version), not parked. */
  due: number;
  oldestDueAt: string | null;
  oldestAgeSeconds: number | null;
  /** Levels parked (not pushed until stockhub-shopify-parked retry or a new level version). */
  parked: number;
  /** The newest parked levels, with their reasons. */
  newestParked: ParkedLevel[];
}

export interface ShopifyChannelState {
  throttleAvailable: number | null;
  throttleMaximum: number | null;
  circuit: 'closed' | 'open' | 'half-open' | null;
  pushQueue: number | null;
  /** The channel's own count of its parked levels (stockhub_shopify_parked). */
  parked: number | null;
}

// The partial indexes shopify_push_due and shopify_push_parked (migration 004) hold exactly the
// due and the parked rows: this reads the backlog and the parked rows, never the whole table.
const QUEUE_SQL = `SELECT count(*) AS due, min(wanted_at) AS oldest, now() AS db_now,
    (SELECT count(*) FROM shopify_push WHERE parked_at IS NOT NULL) AS parked
  FROM shopify_push WHERE wanted_version > pushed_version AND parked_at IS NULL`;
const NEWEST_PARKED = 5;
const PARKED_SQL = `SELECT sku, location_id, attempts, last_error, parked_at FROM shopify_push
  WHERE parked_at IS NOT NULL ORDER BY parked_at DESC, sku, location_id LIMIT ${NEWEST_PARKED}`;

export async function readShopifyQueue(pool: Pool): Promise<ShopifyQueue> {
  const row = (await pool.query<{ due: string | number; oldest: Date | null; db_now: Date; parked: string | number }>(QUEUE_SQL)).rows[0]!;
  const parked = Number(row.parked);
  const newest = parked === 0 ? [] : (await pool.query<{ sku: string; location_id: string; attempts: number; last_error: string | null; parked_at: Date }>(PARKED_SQL)).rows;
  return {
    due: Number(row.due),
    oldestDueAt: row.oldest?.toISOString() ?? null,
    oldestAgeSeconds: row.oldest === null ? null : Number((Math.max(0, row.db_now.getTime() - row.oldest.getTime()) / 1000).toFixed(1)),
    parked,
    newestParked: newest.map((r) => ({ sku: r.sku, location: r.location_id, attempts: r.attempts, reason: r.last_error, parkedAt: r.parked_at.toISOString() })),
  };
}

const CIRCUIT = ['closed', 'open', 'half-open'] as const;

/** The channel's own view of Shopify's throttle and its circuit breaker, from its /metrics. */
export async function readShopifyChannel(metricsUrl: string, signal?: AbortSignal): Promise<ShopifyChannelState> {
  const response = await fetch(metricsUrl, { signal: signal ?? null });
  if (!response.ok) throw new Error(`channel metrics answered ${response.status}`);
  const samples = parsePrometheusText(await response.text());
  const circuit = sampleValue(samples, 'stockhub_shopify_circuit_state');
  return {
    throttleAvailable: sampleValue(samples, 'stockhub_shopify_throttle_available'),
    throttleMaximum: sampleValue(samples, 'stockhub_shopify_throttle_maximum'),
    circuit: circuit === null ? null : (CIRCUIT[circuit] ?? null),
    pushQueue: sampleValue(samples, 'stockhub_shopify_push_queue'),
    parked: sampleValue(samples, 'stockhub_shopify_parked'),
  };
}
