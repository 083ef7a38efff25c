import { levelKey } from '../../levels';
import { planAgentRepairs, repairPreview, type AgentRepair } from './agent-fix';
import { requestResync, type RequestResync, type ResyncAnswer } from './agent-resync';
import type { Clock } from './clock';
import type { DriftRow } from './compare';
import type { FixOutcome } from './format';
import type { HubLevels } from './hub-levels';
import { runReport } from './run';
import type { SystemView } from './system-view';

export interface AgentFixInput {
  rows: readonly DriftRow[];
  /** The agents' reader (AgentsView): re-read after the repair; `agents` says where each store's agent is. */
  view: SystemView & { readonly agents: Readonly<Record<string, string>> };
  hub: Pick<HubLevels, 'levels'>;
  runId: string;
  actor: string;
  /** Shows what would be done and answers whether to do it. */
  confirm: (preview: string) => Promise<boolean>;
  /** A line for the operator (stderr). */
  say: (line: string) => void;
  clock: Clock;
  signal: AbortSignal;
  /** Default: the real HTTP call. */
  resync?: RequestResync;
}

type Called = { repair: AgentRepair; answer: ResyncAnswer } | { repair: AgentRepair; error: string };

const base = (row: DriftRow) => ({ system: row.system, sku: row.sku, location: row.location, eventId: null, countedQuantity: null });

/**
 * --fix for the store agents: the hub wins. After confirmation each affected agent is asked to
 * re-read the hub's levels of its drifted SKUs (POST /resync); then the agents and the hub are
 * read again for those SKUs, and a drift is resolved only when that fresh comparison no longer
 * shows it. The hub is only read.
 */
export async function runAgentFix(input: AgentFixInput): Promise<FixOutcome[]> {
  const { say } = input;
  const plan = planAgentRepairs(input.rows, input.view.agents);
  const skipped: FixOutcome[] = plan.skipped.map(({ row, skipped: detail }) => ({ ...base(row), status: 'skipped', detail, resolved: false }));
  if (plan.repairs.length === 0) return skipped;
  const rowsOf = (repairs: readonly AgentRepair[]) => repairs.flatMap((r) => r.rows);

  if (!(await input.confirm(repairPreview(plan.repairs, input.runId, input.actor)))) {
    say('nothing sent');
    return [...rowsOf(plan.repairs).map((row): FixOutcome => ({ ...base(row), status: 'declined', detail: null, resolved: false })), ...skipped];
  }

  const resync = input.resync ?? requestResync;
  const called = await Promise.all(
    plan.repairs.map(async (repair): Promise<Called> => {
      try {
        return { repair, answer: await resync(repair.base, repair.skus, input.signal) };
      } catch (error) {
        return { repair, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const done = called.flatMap((c) => ('answer' in c ? [c.repair] : []));
  say(`asked ${done.length} of ${plan.repairs.length} store agent(s) to re-read the hub (run ${input.runId}); comparing them again`);

  const recheck =
    done.length === 0
      ? null
      : await runReport({
          hub: input.hub,
          views: [input.view],
          skus: [...new Set(rowsOf(done).map((r) => r.sku))],
          locations: done.map((r) => r.store),
          progress: null,
          clock: input.clock,
          signal: input.signal,
        });
  const still = new Map((recheck?.rows ?? []).map((r) => [levelKey(r.sku, r.location), r]));
  const recheckFailed = recheck === null || recheck.summary.failures.length > 0 || !recheck.summary.complete;

  const outcomes = called.flatMap((c) =>
    c.repair.rows.map((row): FixOutcome => {
      if ('error' in c) return { ...base(row), status: 'failed', detail: c.error, resolved: false };
      const result = c.answer.results.find((r) => r.sku === row.sku);
      const drift = still.get(levelKey(row.sku, row.location));
      return { ...base(row), status: 'resynced', detail: describe(result, drift, recheckFailed), resolved: !recheckFailed && drift === undefined };
    }),
  );
  say(`fix: ${outcomes.filter((o) => o.status === 'resynced').length} of ${outcomes.length} agent cop(ies) re-read from the hub, ${outcomes.filter((o) => o.resolved).length} drift(s) gone on a fresh comparison`);
  return [...outcomes, ...skipped];
}

/** For the fixes table: what the agent did, and why a drift may remain. */
function describe(result: ResyncAnswer['results'][number] | undefined, drift: DriftRow | undefined, recheckFailed: boolean): string {
  const did =
    result === undefined
      ? 'the agent did not answer for this SKU'
      : result.outcome === 'replaced'
        ? `agent ${result.was ?? 'none'} -> hub's ${result.hubOnHand}${result.queued === 0 ? '' : ` ${result.queued > 0 ? '+' : ''}${result.queued} queued at the tills`}`
        : result.outcome === 'removed'
          ? `agent ${result.was} -> none: the hub holds no level here`
          : 'neither holds a level';
  if (recheckFailed) return `${did}; could not compare again`;
  if (drift === undefined) return did;
  const queued = result?.queued ?? 0;
  const why = queued !== 0 && drift.difference === queued ? 'till events not yet forwarded by the agent' : `still ${drift.value ?? 'none'} vs hub ${drift.hub}`;
  return `${did}; ${why}`;
}
