import type { DriftRow } from './compare';

/** One store agent to repair from the hub: its drifted SKUs, re-read in one POST /resync. */
export interface AgentRepair {
  store: string;
  /** The agent's local API (config/store-agents.json). */
  base: string;
  rows: DriftRow[];
  skus: string[];
}

export interface AgentFixPlan {
  repairs: AgentRepair[];
  skipped: Array<{ row: DriftRow; skipped: string }>;
}

/**
 * The agents' drifts as repairs of the agents, never as counts into the hub: an agent's copy is a
 * cache of the hub (plus the tills' sales not yet forwarded) and nobody counts stock into it, so
 * the hub wins. Every drift is repairable, a SKU the agent lacks or holds without the hub too:
 * the agent takes the hub's row, or drops its own.
 */
export function planAgentRepairs(rows: readonly DriftRow[], agents: Readonly<Record<string, string>>): AgentFixPlan {
  const byStore = new Map<string, AgentRepair>();
  const skipped: AgentFixPlan['skipped'] = [];
  for (const row of rows) {
    if (row.system !== 'agents') continue;
    const base = agents[row.location];
    if (base === undefined) {
      skipped.push({ row, skipped: `no store agent configured for ${row.location}` });
      continue;
    }
    const repair = byStore.get(row.location) ?? { store: row.location, base, rows: [], skus: [] };
    byStore.set(row.location, repair);
    repair.rows.push(row);
    if (!repair.skus.includes(row.sku)) repair.skus.push(row.sku);
  }
  return { repairs: [...byStore.values()], skipped };
}

/** What the operator confirms: which agents are asked to re-read which SKUs, and that the hub is left alone. */
export function repairPreview(repairs: readonly AgentRepair[], runId: string, actor: string): string {
  const count = repairs.reduce((n, r) => n + r.rows.length, 0);
  const lines = repairs.flatMap((r) =>
    r.rows.map((row) => `  ${r.store}  ${row.sku}: agent ${row.value ?? 'none'}, hub ${row.hub} -> the hub's ${row.hub}  (POST ${r.base.replace(/\/$/, '')}/resync)`),
  );
  return (
    `${count} store agent drift(s) to repair from the hub at ${repairs.length} agent(s): the hub wins, each agent re-reads the hub's levels` +
    ` and overwrites its local copy (its queued till sales are kept); nothing is sent to the hub (run ${runId}, actor ${actor}):\n${lines.join('\n')}`
  );
}
