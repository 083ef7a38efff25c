import { Pool } from 'pg';
import { loadConfig } from '../../core/config';
import { hubDbConfigSchema } from '../../hub/config';
import { migrate } from '../../hub/db';
import { levelKey } from '../../hub/levels';

export const hubDbUrl = loadConfig(hubDbConfigSchema).HUB_PG_URL;

/** The hub's database, migrated: integration tests read what the services wrote there. */
export async function hubPool(): Promise<Pool> {
  await migrate(hubDbUrl);
  return new Pool({ connectionString: hubDbUrl, max: 4 });
}

export interface LedgerChainRow {
  event_id: string;
  sku: string;
  location_id: string;
  on_hand_before: number;
  on_hand_after: number;
  seq: string;
}

/**
 * The ledger's exactly-once check: every event id once, and each level's chain unbroken (each
 * entry, in seq order, starts where the previous one of its level ended; a level starts at 0).
 * Returns the event ids seen more than once and the entries that break a chain.
 */
export function ledgerChainFaults(rows: readonly LedgerChainRow[]): { duplicates: string[]; breaks: string[] } {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const lastOnHand = new Map<string, number>();
  const breaks: string[] = [];
  for (const row of rows) {
    if (seen.has(row.event_id)) duplicates.push(row.event_id);
    seen.add(row.event_id);
    const key = levelKey(row.sku, row.location_id);
    if ((lastOnHand.get(key) ?? 0) !== row.on_hand_before) breaks.push(`${key} seq ${row.seq}`);
    lastOnHand.set(key, row.on_hand_after);
  }
  return { duplicates, breaks };
}
