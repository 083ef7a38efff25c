import type { Pool } from 'pg';
import { parsePrometheusText, sampleValue } from '../prom-text';

export interface ShopifyQueue {
  /** Levels whose latest value Shopify does not show yet (wanted_version > pushed_version). */
  due: number;
  oldestDueAt: string | null;
  oldestAgeSeconds: number | null;
}

export interface ShopifyChannelState {
  throttleAvailable: number | null;
  throttleMaximum: number | null;
  circuit: 'closed' | 'open' | 'half-open' | null;
  pushQueue: number | null;
}

// The partial index shopify_push_due (migration 003) holds exactly the due rows: this reads the
// backlog, never the whole table.
const QUEUE_SQL = `SELECT count(*) AS due, min(wanted_at) AS oldest, now() AS db_now
  FROM shopify_push WHERE wanted_version > pushed_version`;

export async function readShopifyQueue(pool: Pool): Promise<ShopifyQueue> {
  const row = (await pool.query<{ due: string | number; oldest: Date | null; db_now: Date }>(QUEUE_SQL)).rows[0]!;
  return {
    due: Number(row.due),
    oldestDueAt: row.oldest?.toISOString() ?? null,
    oldestAgeSeconds: row.oldest === null ? null : Number((Math.max(0, row.db_now.getTime() - row.oldest.getTime()) / 1000).toFixed(1)),
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
  };
}
