/**
 * What a scenario must leave behind: every source change that committed in the hub's ledger
 * exactly once; every level equal to the ledger's own account of it; Shopify and every store
 * agent equal to the hub (bin/stockhub-reconcile exits 0 for the SKUs the load touched).
 */
import { writeFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { reconcile } from '../../test/support/reconcile-cli';
import type { Action, ActionSource } from './load';

/** Where each source's name for a change lands in the ledger. */
export const REF_COLUMN: Record<ActionSource, { system: string; column: 'source_document' | 'source_position' }> = {
  ERP: { system: 'ERP', column: 'source_document' },
  WMS: { system: 'WMS', column: 'source_document' },
  PDV: { system: 'PDV', column: 'source_position' },
  SHOPIFY: { system: 'SHOPIFY', column: 'source_document' },
};

/** Ledger rows per committed action, by action index. */
export async function ledgerCounts(pool: Pool, actions: readonly Action[]): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const source of Object.keys(REF_COLUMN) as ActionSource[]) {
    const mine = actions.filter((a) => a.source === source && a.ref !== '');
    if (mine.length === 0) continue;
    const { system, column } = REF_COLUMN[source];
    const { rows } = await pool.query<{ ref: string; n: string }>(`SELECT ${column} AS ref, count(*) AS n FROM ledger WHERE source_system = $1 AND ${column} = ANY($2::text[]) GROUP BY 1`, [
      system,
      mine.map((a) => a.ref),
    ]);
    const byRef = new Map(rows.map((r) => [r.ref, Number(r.n)]));
    for (const a of mine) counts.set(a.i, byRef.get(a.ref) ?? 0);
  }
  return counts;
}

export interface ExactlyOnce {
  committed: number;
  lost: Action[];
  duplicated: Action[];
}

export async function exactlyOnce(pool: Pool, actions: readonly Action[]): Promise<ExactlyOnce> {
  const committed = actions.filter((a) => a.committedAt !== undefined);
  const counts = await ledgerCounts(pool, committed);
  return { committed: committed.length, lost: committed.filter((a) => (counts.get(a.i) ?? 0) === 0), duplicated: committed.filter((a) => (counts.get(a.i) ?? 0) > 1) };
}

export interface LevelMismatch {
  level: string;
  problem: string;
}

/**
 * Each level re-derived from its ledger rows in order: every row starts where the one before
 * ended (from zero), an applied delta moves on-hand by its quantity, a stale one not at all, and
 * the last row ends at the stored level.
 */
export async function levelsMatchLedger(pool: Pool, skus: readonly string[]): Promise<{ levels: number; mismatches: LevelMismatch[] }> {
  const { rows } = await pool.query<{ sku: string; location_id: string; type: string; effect: string; quantity: string | null; ob: string; oa: string; rb: string; ra: string }>(
    `SELECT sku, location_id, type, effect, quantity, on_hand_before AS ob, on_hand_after AS oa, reserved_before AS rb, reserved_after AS ra
       FROM ledger WHERE sku = ANY($1::text[]) ORDER BY sku, location_id, seq`,
    [skus],
  );
  const stored = await pool.query<{ sku: string; location_id: string; on_hand: string; reserved: string }>('SELECT sku, location_id, on_hand, reserved FROM stock_levels WHERE sku = ANY($1::text[])', [skus]);
  const mismatches: LevelMismatch[] = [];
  const derived = new Map<string, { onHand: number; reserved: number }>();
  for (const r of rows) {
    const level = `${r.sku}@${r.location_id}`;
    const before = derived.get(level) ?? { onHand: 0, reserved: 0 };
    const [ob, oa, rb, ra] = [r.ob, r.oa, r.rb, r.ra].map(Number) as [number, number, number, number];
    if (ob !== before.onHand || rb !== before.reserved) mismatches.push({ level, problem: `a ${r.type} starts at on-hand ${ob}/reserved ${rb}, the row before ended at ${before.onHand}/${before.reserved}` });
    const isDelta = r.type !== 'COUNT' && r.type !== 'RESERVE' && r.type !== 'RELEASE' && r.quantity !== null;
    if (isDelta && r.effect === 'applied' && oa - ob !== Number(r.quantity)) mismatches.push({ level, problem: `an applied ${r.type} of ${r.quantity} moved on-hand by ${oa - ob}` });
    if (r.effect === 'stale' && oa !== ob) mismatches.push({ level, problem: `a stale ${r.type} moved on-hand from ${ob} to ${oa}` });
    derived.set(level, { onHand: oa, reserved: ra });
  }
  for (const s of stored.rows) {
    const level = `${s.sku}@${s.location_id}`;
    const d = derived.get(level) ?? { onHand: 0, reserved: 0 };
    if (Number(s.on_hand) !== d.onHand || Number(s.reserved) !== d.reserved) mismatches.push({ level, problem: `stored ${s.on_hand}/${s.reserved}, the ledger ends at ${d.onHand}/${d.reserved}` });
  }
  return { levels: stored.rows.length, mismatches };
}

export interface ReconcileResult {
  code: number | null;
  drift: number;
  /** From the first call until the report was clean (or gave up). */
  seconds: number;
  detail: string;
}

/**
 * bin/stockhub-reconcile over Shopify and the store agents for the SKUs, repeated every 5 s until
 * it exits 0 or `timeoutMs` passes: the channels push asynchronously, so the first report after
 * the ledger caught up may still see a level on its way.
 */
export async function reconcileUntilClean(env: Record<string, string>, skus: readonly string[], skuFile: string, timeoutMs: number, progress: (line: string) => void): Promise<ReconcileResult> {
  writeFileSync(skuFile, `${skus.join('\n')}\n`);
  const started = Date.now();
  let last: ReconcileResult = { code: null, drift: -1, seconds: 0, detail: 'not run' };
  for (let attempt = 0; attempt < 60; attempt++) {
    const outcome = await reconcile(['--system', 'shopify,agents', '--skus-from', skuFile, '--format', 'json'], env);
    let drift = -1;
    let detail = outcome.stderr.trim().split('\n').slice(-3).join(' | ');
    try {
      const report = JSON.parse(outcome.stdout) as { rows?: Array<Record<string, unknown>> };
      drift = report.rows?.length ?? -1;
      detail = JSON.stringify(report.rows?.slice(0, 5) ?? []);
    } catch {
      // not JSON: the report failed (exit 2); its stderr says why
    }
    last = { code: outcome.code, drift, seconds: (Date.now() - started) / 1000, detail };
    if (outcome.code === 0) return last;
    if (Date.now() - started > timeoutMs) break;
    progress(`reconcile: exit ${outcome.code}, ${drift} drift rows; again in 5 s (${detail.slice(0, 300)})`);
    await new Promise((r) => setTimeout(r, 5_000));
  }
  return last;
}
