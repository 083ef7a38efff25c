/**
 * Failover time from what the load left behind: when each source change reached the stage the
 * fault hit (the hub's ledger, the ERP's interface table). A kill shows as changes that took far
 * longer than the changes before it; the flow is moving again once the last of those has landed.
 * So: failover = the landing of the last change committed around or after the kill whose latency
 * exceeded the threshold, measured from the kill; 0 when no change was held up.
 *
 * Measured afterwards from the rows' own timestamps (ledger.applied_at, HUBIMP.CRTDT), so that the
 * watching costs the 2-core machine nothing during the fault.
 */
import type { Pool } from 'pg';
import { summarize } from '../bench/support/cli';
import { REF_COLUMN } from './assertions';
import type { Action, ActionSource } from './load';

export interface Landing {
  committedAt: number;
  /** When it reached the stage, ms since the epoch. */
  landedAt: number;
}

export interface Failover {
  /** From the kill until the last held-up change landed, in ms; 0 when none was held up. */
  ms: number;
  /** Changes held up by the fault (latency above the threshold). */
  delayed: number;
  thresholdMs: number;
  /** p99 latency of the changes before the kill. */
  baselineP99Ms: number;
  /** Changes committed after the kill that landed, the sample the measurement rests on. */
  after: number;
}

/** A change is held up when it took more than twice the p99 before the kill and at least a second more. */
export const HELD_UP_FACTOR = 2;
export const HELD_UP_MARGIN_MS = 1_000;

/**
 * `landings` of the scenario's changes, `killedAt` the kill. Changes committed before the kill
 * that landed after it count too: those were in flight when the fault hit.
 */
export function failoverOf(landings: readonly Landing[], killedAt: number): Failover {
  const before = landings.filter((l) => l.landedAt < killedAt);
  const baselineP99Ms = before.length === 0 ? 0 : summarize(before.map((l) => l.landedAt - l.committedAt)).p99;
  const thresholdMs = Math.max(HELD_UP_FACTOR * baselineP99Ms, baselineP99Ms + HELD_UP_MARGIN_MS);
  const held = landings.filter((l) => l.landedAt >= killedAt && l.landedAt - l.committedAt > thresholdMs);
  const lastLanding = held.reduce((last, l) => Math.max(last, l.landedAt), killedAt);
  return { ms: lastLanding - killedAt, delayed: held.length, thresholdMs, baselineP99Ms, after: landings.filter((l) => l.committedAt >= killedAt).length };
}

/** Ledger event id and applied_at of each committed action that is in the ledger, by action index. */
export async function ledgerLandings(pool: Pool, actions: readonly Action[]): Promise<Map<number, { eventId: string; landedAt: number; committedAt: number }>> {
  const found = new Map<number, { eventId: string; landedAt: number; committedAt: number }>();
  for (const source of Object.keys(REF_COLUMN) as ActionSource[]) {
    const mine = actions.filter((a) => a.source === source && a.ref !== '' && a.committedAt !== undefined);
    if (mine.length === 0) continue;
    const { system, column } = REF_COLUMN[source];
    const { rows } = await pool.query<{ ref: string; event_id: string; at: string }>(
      `SELECT DISTINCT ON (${column}) ${column} AS ref, event_id, (extract(epoch FROM applied_at) * 1000)::bigint AS at
         FROM ledger WHERE source_system = $1 AND ${column} = ANY($2::text[]) ORDER BY ${column}, seq`,
      [system, mine.map((a) => a.ref)],
    );
    const byRef = new Map(rows.map((r) => [r.ref, r]));
    for (const a of mine) {
      const row = byRef.get(a.ref);
      if (row) found.set(a.i, { eventId: row.event_id, landedAt: Number(row.at), committedAt: a.committedAt! });
    }
  }
  return found;
}

/**
 * When each change reached the ERP's interface table, for the changes the write-back carries
 * (every source but the ERP itself). CRTDT is the ERP session's local time, read back as such.
 */
export async function interfaceLandings(erp: Pool, inLedger: ReadonlyMap<number, { eventId: string; committedAt: number }>, actions: readonly Action[]): Promise<Landing[]> {
  const carried = actions.filter((a) => a.source !== 'ERP' && inLedger.has(a.i)).map((a) => inLedger.get(a.i)!);
  if (carried.length === 0) return [];
  const { rows } = await erp.query<{ evt: string; at: string }>(
    `SELECT "HUBEVT" AS evt, (extract(epoch FROM "CRTDT" AT TIME ZONE current_setting('TimeZone')) * 1000)::bigint AS at FROM "ERPADM"."HUBIMP" WHERE "HUBEVT" = ANY($1::text[])`,
    [carried.map((c) => c.eventId)],
  );
  const at = new Map(rows.map((r) => [r.evt, Number(r.at)]));
  return carried.filter((c) => at.has(c.eventId)).map((c) => ({ committedAt: c.committedAt, landedAt: at.get(c.eventId)! }));
}
