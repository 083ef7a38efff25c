import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAX_CLOCK_SKEW_S, DEFAULT_MAX_LINE_QUANTITY, type TillEventLimits } from '../../core/model';

/** A store agent's settings: one agent per store, run beside the store's tills. */
export const agentConfigSchema = z.object({
  /** The store this agent serves, e.g. S001. */
  AGENT_STORE_ID: z.string().regex(/^S\d{3}$/),
  /** Bearer token for the hub's API (config/api-tokens.json): its store feed, and its stock reads for POST /resync. */
  AGENT_API_TOKEN: z.string().min(12),
  /** Bearer token for the PDV ingest (config/stores.json). */
  AGENT_PDV_TOKEN: z.string().min(12),
  /** The hub's API, for the store feed and POST /resync's reads (development: config/stack.env's). */
  AGENT_HUB_URL: z.string().url(),
  /** The PDV ingest (development: config/stack.env's). */
  AGENT_INGEST_URL: z.string().url(),
  /** The local SQLite file. Default .stack/agents/<store>.sqlite. */
  AGENT_DB_PATH: z.string().optional(),
  /** Port of the local API the tills call. Default 8100. */
  AGENT_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8100),
  /** How often the outbox is forwarded, in ms. Default 500. */
  AGENT_FORWARD_MS: z.coerce.number().int().min(50).default(500),
  /**
   * How far ahead of the agent's clock a till's occurredAt may be, in seconds; further is refused
   * (400 naming occurredAt) before it is queued, rather than refused by the hub once forwarded.
   * Keep it no looser than the hub's SINK_MAX_CLOCK_SKEW_S. Default 300 (5 minutes), at most a day.
   */
  AGENT_MAX_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(86_400).default(DEFAULT_MAX_CLOCK_SKEW_S),
  /** Most units one till event may carry; no looser than the hub's SINK_MAX_LINE_QUANTITY. Default 10000. */
  AGENT_MAX_LINE_QUANTITY: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_LINE_QUANTITY),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** The local POST /sales limits, in the model's units. */
export const tillLimitsOf = (config: AgentConfig): TillEventLimits => ({
  maxClockSkewMs: config.AGENT_MAX_CLOCK_SKEW_S * 1000,
  maxLineQuantity: config.AGENT_MAX_LINE_QUANTITY,
});

export const defaultDbPath = (storeId: string): string => resolve(__dirname, '../../.stack/agents', `${storeId}.sqlite`);
