import { z } from 'zod';
import type { HubSnapshot, LocalDb, ResyncResult } from './local-db';

/** POST /resync's body: the SKUs to re-read; without `skus`, every SKU of the local copy. */
export const resyncBodySchema = z.object({ skus: z.array(z.string().min(1).max(64)).min(1).max(10_000).optional() }).strict();
export type ResyncBody = z.infer<typeof resyncBodySchema>;

export interface ResyncAnswer {
  results: ResyncResult[];
  /** Till events still in the outbox: untouched by a resync. */
  backlog: number;
}

/** Where the hub's current numbers come from (./hub-stock.ts; a stub in tests). */
export interface HubStockReader {
  read(skus: readonly string[]): Promise<HubSnapshot[]>;
}

/**
 * Repairs the local copy from the hub: the hub is the authority on the store's levels, the local
 * copy only a cache of it plus the tills' sales not yet forwarded. Reads the hub's numbers for
 * the SKUs, then overwrites the local rows (LocalDb.resync). Nothing is sent to the hub.
 */
export async function resyncFromHub(db: LocalDb, hub: HubStockReader, body: ResyncBody): Promise<ResyncAnswer> {
  const skus = [...new Set(body.skus ?? db.skus())];
  const results = skus.length === 0 ? [] : db.resync(await hub.read(skus));
  return { results, backlog: db.backlog() };
}
