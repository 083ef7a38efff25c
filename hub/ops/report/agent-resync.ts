import { z } from 'zod';
import { describeFetchError } from './fetch-error';

/** What a store agent's POST /resync answers (connectors/store-agent/resync.ts), per SKU. */
const resyncAnswerSchema = z.object({
  results: z.array(
    z.object({
      sku: z.string(),
      outcome: z.enum(['replaced', 'removed', 'absent']),
      was: z.number().nullable(),
      hubOnHand: z.number().nullable(),
      onHand: z.number().nullable(),
      /** Net units of till events still queued at the agent, on top of the hub's on-hand. */
      queued: z.number(),
    }),
  ),
  backlog: z.number(),
});
export type ResyncAnswer = z.infer<typeof resyncAnswerSchema>;

/** The call, replaceable in tests. */
export type RequestResync = (base: string, skus: readonly string[], signal: AbortSignal) => Promise<ResyncAnswer>;

/** Per call: the agent reads the hub for every SKU before it answers. Default 60 s. */
export const RESYNC_TIMEOUT_MS = 60_000;

/**
 * Asks one store agent to re-read the hub's current levels of these SKUs and overwrite its
 * local copy with them (POST /resync on its local API). Nothing is written to the hub.
 */
export const requestResync: RequestResync = async (base, skus, signal) => {
  const url = `${base.replace(/\/$/, '')}/resync`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ skus }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(RESYNC_TIMEOUT_MS)]),
    });
  } catch (error) {
    throw new Error(`POST ${url}: ${describeFetchError(error)}`);
  }
  if (response.status === 404) throw new Error(`POST ${url}: 404, this agent has no /resync (older than the report?)`);
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return resyncAnswerSchema.parse(await response.json());
};
