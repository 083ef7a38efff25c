import express from 'express';
import { planAgentRepairs, repairPreview } from '../../../../hub/ops/report/agent-fix';
import { runAgentFix, type AgentFixInput } from '../../../../hub/ops/report/agent-fix-run';
import { requestResync, type ResyncAnswer } from '../../../../hub/ops/report/agent-resync';
import { planFixes } from '../../../../hub/ops/report/fix';
import type { HubLevel } from '../../../../hub/ops/report/hub-levels';
import type { SystemView } from '../../../../hub/ops/report/system-view';
import { listen } from '../../../support/listen';
import { driftRow, fakeClock } from './helpers';

const AGENTS = { S001: 'http://agent-1:8101/', S002: 'http://agent-2:8102' };
const agentRow = (sku: string, location: string, value: number | null, hub = 15) =>
  driftRow({ system: 'agents', sku, location, value, hub, difference: value === null ? null : value - hub, level: { onHand: hub, reserved: 0, safetyStock: 0 } });

describe('planning an agents fix: the agents are repaired from the hub', () => {
  it('groups the agents’ drifts by store into one resync each, and ignores the other systems’ rows', () => {
    const rows = [agentRow('A', 'S001', 9), driftRow({ system: 'erp' }), agentRow('B', 'S001', null), agentRow('A', 'S002', 20), agentRow('C', 'S009', 1)];
    const { repairs, skipped } = planAgentRepairs(rows, AGENTS);
    expect(repairs.map((r) => [r.store, r.base, r.skus])).toEqual([
      ['S001', 'http://agent-1:8101/', ['A', 'B']],
      ['S002', 'http://agent-2:8102', ['A']],
    ]);
    expect(skipped).toEqual([{ row: rows[4], skipped: 'no store agent configured for S009' }]);
  });

  it('says, before anything is done, that the hub wins and nothing is sent to it', () => {
    const { repairs } = planAgentRepairs([agentRow('A', 'S001', 9), agentRow('B', 'S001', null)], AGENTS);
    const preview = repairPreview(repairs, 'run-1', 'ops:alice');
    expect(preview).toContain('2 store agent drift(s) to repair from the hub at 1 agent(s): the hub wins');
    expect(preview).toContain('nothing is sent to the hub (run run-1, actor ops:alice)');
    expect(preview).toContain("S001  A: agent 9, hub 15 -> the hub's 15  (POST http://agent-1:8101/resync)");
    expect(preview).toContain("S001  B: agent none, hub 15 -> the hub's 15");
    expect(preview).not.toContain('COUNT');
  });

  it('is never a COUNT: the count planner refuses agents’ rows', () => {
    const [plan] = planFixes([agentRow('A', 'S001', 9)], { runId: 'r', actor: 'ops:a', now: new Date() });
    expect(plan).toEqual({ row: agentRow('A', 'S001', 9), skipped: 'a store agent is repaired from the hub, not trusted for a count' });
  });
});

describe('runAgentFix', () => {
  /** Agents whose copies hold `copies` (sku@store -> on-hand) until a resync sets the hub's 15 (plus `queued`). */
  function setup(options: { confirm?: boolean; failing?: string[]; queued?: number; hub?: number } = {}) {
    const hubOnHand = options.hub ?? 15;
    const copies = new Map([
      ['A@S001', 9],
      ['A@S002', 20],
    ]);
    const calls: Array<[string, string[]]> = [];
    const lines: string[] = [];
    let asked: string | null = null;
    const view: AgentFixInput['view'] = {
      agents: AGENTS,
      system: 'agents',
      measure: 'onHand',
      absentMeansZero: false,
      batchSize: 100,
      locations: async (wanted) => (wanted ?? Object.keys(AGENTS)).filter((l) => l in AGENTS),
      read: async (skus, locations) => ({
        values: new Map([...copies].filter(([key]) => skus.some((s) => locations.some((l) => key === `${s}@${l}`)))),
        failed: new Map(),
      }),
      close: async () => undefined,
    } satisfies SystemView & { agents: Record<string, string> };
    const input: AgentFixInput = {
      rows: [agentRow('A', 'S001', 9), agentRow('A', 'S002', 20), driftRow({ system: 'shopify' })],
      view,
      hub: { levels: async (skus, locations) => new Map<string, HubLevel>((locations ?? []).map((l) => [`${skus[0]}@${l}`, { onHand: hubOnHand, reserved: 0, safetyStock: 0 }])) },
      runId: 'run-1',
      actor: 'ops:alice',
      confirm: async (question) => {
        asked = question;
        return options.confirm ?? true;
      },
      say: (line) => lines.push(line),
      clock: fakeClock(),
      signal: new AbortController().signal,
      resync: async (base, skus): Promise<ResyncAnswer> => {
        calls.push([base, [...skus]]);
        const store = Object.entries(AGENTS).find(([, b]) => b === base)![0];
        if (options.failing?.includes(store)) throw new Error(`POST ${base}/resync: fetch failed (ECONNREFUSED)`);
        const queued = options.queued ?? 0;
        const was = copies.get(`A@${store}`)!;
        copies.set(`A@${store}`, 15 + queued);
        return { results: [{ sku: 'A', outcome: 'replaced', was, hubOnHand: 15, onHand: 15 + queued, queued }], backlog: queued === 0 ? 0 : 1 };
      },
    };
    return { input, calls, lines, copies, asked: () => asked };
  }

  it('asks each affected agent to re-read its drifted SKUs, sends no COUNT, and verifies with a fresh read', async () => {
    const { input, calls, asked, lines } = setup();
    const outcomes = await runAgentFix(input);
    expect(asked()).toContain('to repair from the hub at 2 agent(s)');
    expect(calls).toEqual([
      ['http://agent-1:8101/', ['A']],
      ['http://agent-2:8102', ['A']],
    ]);
    expect(outcomes).toEqual([
      { system: 'agents', sku: 'A', location: 'S001', status: 'resynced', eventId: null, countedQuantity: null, detail: "agent 9 -> hub's 15", resolved: true },
      { system: 'agents', sku: 'A', location: 'S002', status: 'resynced', eventId: null, countedQuantity: null, detail: "agent 20 -> hub's 15", resolved: true },
    ]);
    expect(lines.join('\n')).toContain('2 drift(s) gone on a fresh comparison');
  });

  it('calls nothing when the operator declines', async () => {
    const { input, calls } = setup({ confirm: false });
    const outcomes = await runAgentFix(input);
    expect(calls).toEqual([]);
    expect(outcomes.map((o) => [o.location, o.status, o.resolved])).toEqual([
      ['S001', 'declined', false],
      ['S002', 'declined', false],
    ]);
  });

  it('reports an agent that could not be repaired as failed, and still repairs and verifies the others', async () => {
    const { input, copies } = setup({ failing: ['S002'] });
    const outcomes = await runAgentFix(input);
    expect(outcomes.map((o) => [o.location, o.status, o.resolved, o.detail])).toEqual([
      ['S001', 'resynced', true, "agent 9 -> hub's 15"],
      ['S002', 'failed', false, 'POST http://agent-2:8102/resync: fetch failed (ECONNREFUSED)'],
    ]);
    expect(copies.get('A@S002')).toBe(20);
  });

  it('leaves the drift unresolved, and says why, while the agent still holds till sales not yet forwarded', async () => {
    const { input } = setup({ queued: -2 });
    const [first] = await runAgentFix(input);
    expect(first).toMatchObject({ status: 'resynced', resolved: false, detail: "agent 9 -> hub's 15 -2 queued at the tills; till events not yet forwarded by the agent" });
  });

  it('leaves the drift unresolved when the fresh comparison still shows it', async () => {
    const { input } = setup({ hub: 16 }); // the hub moved on after the agent read it
    const [first] = await runAgentFix(input);
    expect(first).toMatchObject({ status: 'resynced', resolved: false, detail: "agent 9 -> hub's 15; still 15 vs hub 16" });
  });

  it('has nothing to do without agents’ drift', async () => {
    const { input, calls, asked } = setup();
    expect(await runAgentFix({ ...input, rows: [driftRow()] })).toEqual([]);
    expect(calls).toEqual([]);
    expect(asked()).toBeNull();
  });
});

describe('requestResync', () => {
  it('posts the SKUs to the agent’s /resync and returns its answer', async () => {
    const bodies: unknown[] = [];
    const app = express();
    const answer: ResyncAnswer = { results: [{ sku: 'A', outcome: 'replaced', was: 9, hubOnHand: 15, onHand: 15, queued: 0 }], backlog: 0 };
    app.post('/resync', express.json(), (req, res) => {
      bodies.push(req.body);
      res.json(answer);
    });
    const agent = await listen(app);
    try {
      expect(await requestResync(`${agent.url}/`, ['A'], new AbortController().signal)).toEqual(answer);
      expect(bodies).toEqual([{ skus: ['A'] }]);
    } finally {
      await agent.close();
    }
  });

  it('says what went wrong: an agent without /resync, an error answer, nobody listening', async () => {
    const app = express();
    app.post('/resync', (_req, res) => void res.status(502).json({ error: "the hub's stock API answered 401" }));
    const agent = await listen(app);
    const old = await listen(express());
    const signal = new AbortController().signal;
    try {
      await expect(requestResync(agent.url, ['A'], signal)).rejects.toThrow(/answered 502: .*stock API answered 401/);
      await expect(requestResync(old.url, ['A'], signal)).rejects.toThrow('this agent has no /resync');
    } finally {
      await agent.close();
      await old.close();
    }
    await expect(requestResync(old.url, ['A'], signal)).rejects.toThrow(/fetch failed \(ECONNREFUSED\)/);
  });
});
