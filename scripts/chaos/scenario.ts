/**
 * One scenario: the mixed load, the fault in the middle of it, recovery, then the assertions.
 * Time to recover: from the end of the fault (the link restored, the server started again, the
 * killed service healthy again) until every change committed before that end is in the ledger.
 */
import { join } from 'node:path';
import { exactlyOnce, ledgerCounts, levelsMatchLedger, reconcileUntilClean, type LevelMismatch } from './assertions';
import { connectorState, ERP_CONNECTOR } from './connect';
import type { Fault } from './faults';
import type { ChaosHub } from './hub';
import type { MixedLoad } from './load';
import { say } from './log';

export interface Timing {
  /** Load before the fault starts, in ms. */
  beforeMs: number;
  /** How long the fault is held (the ERP link cut, a server down), in ms. */
  holdMs: number;
  /** Load after the fault ends, at least, in ms. */
  afterMs: number;
  /** The load runs at least this long in all, in ms. */
  minLoadMs: number;
  rate: number;
  /** How long the pipeline may take to catch up after the fault before the scenario fails, in ms. */
  recoveryLimitMs: number;
  /** How long Shopify and the agents may take to equal the hub once the ledger is complete, in ms. */
  reconcileLimitMs: number;
}

export interface Outcome {
  fault: Fault;
  loadSeconds: number;
  committed: number;
  bySource: string;
  faultSeconds: number;
  /** When the fault began and ended (ms since the epoch): the availability test's windows. */
  faultStartedAt: number;
  faultEndedAt: number;
  /** null: not caught up within the limit. */
  recoverSeconds: number | null;
  lost: number;
  duplicated: number;
  levels: number;
  levelMismatches: LevelMismatch[];
  drift: number;
  reconcileCode: number | null;
  failedRequests: number;
  failedBySource: string;
  restarts: string;
  notes: string[];
  passed: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the moment every action committed before `since` is in the ledger (polled each second), or null after the limit. */
async function caughtUp(hub: ChaosHub, load: MixedLoad, scenario: string, since: number, limitMs: number, backlog: { atEnd: string | null }): Promise<number | null> {
  const deadline = since + limitMs;
  let lastReport = Date.now();
  while (Date.now() < deadline) {
    const due = load.of(scenario).filter((a) => a.committedAt !== undefined && a.committedAt <= since);
    try {
      const counts = await ledgerCounts(hub.pool, due);
      const missing = due.filter((a) => (counts.get(a.i) ?? 0) === 0);
      // What the fault held back, as first seen after it: shows the fault had an effect.
      backlog.atEnd ??= ['ERP', 'WMS', 'PDV', 'SHOPIFY'].map((s) => `${s} ${missing.filter((a) => a.source === s).length}`).join(', ');
      if (missing.length === 0) return Date.now();
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        say(`  recovering: ${missing.length}/${due.length} changes committed before the fault ended not in the ledger yet (${[...new Set(missing.map((a) => a.source))].join(', ')})`);
      }
    } catch (error) {
      // The hub's database itself may still be coming back.
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        say(`  recovering: the ledger cannot be read yet (${String(error)})`);
      }
    }
    await sleep(1_000);
  }
  return null;
}

export async function runScenario(hub: ChaosHub, load: MixedLoad, fault: Fault, timing: Timing, skus: readonly string[], skuFile: string): Promise<Outcome> {
  const name = fault.name;
  say(`=== ${name}: ${fault.what}`);
  const restartsBefore = new Map(hub.supervisor.names().map((n) => [n, hub.supervisor.restarts(n)]));
  const notes: string[] = [];
  await fault.prepare?.(hub);
  let faultStart = 0;
  let faultEnd = 0;
  let stopLoad = false;
  const loadStart = Date.now();
  const running = load.runUntil(name, timing.rate, () => stopLoad, 30 * 60_000, (line) => say(`  ${line}`));
  let recovery: Promise<number | null> = Promise.resolve(null);
  const backlog: { atEnd: string | null } = { atEnd: null };
  try {
    await sleep(timing.beforeMs);
    faultStart = Date.now();
    const detail = await fault.inject(hub, timing.holdMs);
    if (detail) notes.push(detail);
    faultEnd = Date.now();
    say(`fault over after ${((faultEnd - faultStart) / 1000).toFixed(1)} s; load goes on`);
    recovery = caughtUp(hub, load, name, faultEnd, timing.recoveryLimitMs, backlog);
    const loadEnd = Math.max(faultEnd + timing.afterMs, loadStart + timing.minLoadMs);
    while (Date.now() < loadEnd) await sleep(250);
  } finally {
    stopLoad = true;
    await running;
    await load.drain();
  }
  const loadSeconds = (Date.now() - loadStart) / 1000;
  say(`load stopped after ${loadSeconds.toFixed(0)} s; ${load.status(name)}`);
  const recoveredAt = await recovery;
  const actions = load.of(name);
  notes.push(`not yet in the ledger when the fault ended: ${backlog.atEnd ?? 'unknown (the ledger could not be read)'}`);
  // Everything committed must reach the ledger; the wait is bounded, what is missing then is lost.
  // Once the recovery limit has passed for what came before the fault's end, a long wait for what came after adds nothing.
  const drainDeadline = Date.now() + (recoveredAt === null ? 30_000 : timing.recoveryLimitMs / 2);
  let once = await exactlyOnce(hub.pool, actions);
  let lastReport = Date.now();
  while (once.lost.length > 0 && Date.now() < drainDeadline) {
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      say(`  draining: ${once.lost.length} committed changes not in the ledger yet`);
    }
    await sleep(1_000);
    once = await exactlyOnce(hub.pool, actions);
  }
  for (const a of once.lost.slice(0, 5)) notes.push(`lost: ${a.source} ${a.ref} ${a.sku}@${a.location} committed ${new Date(a.committedAt!).toISOString()}`);
  for (const a of once.duplicated.slice(0, 5)) notes.push(`duplicated: ${a.source} ${a.ref} ${a.sku}@${a.location}`);
  const levels = await levelsMatchLedger(hub.pool, skus);
  for (const m of levels.mismatches.slice(0, 5)) notes.push(`level ${m.level}: ${m.problem}`);
  const report = await reconcileUntilClean(hub.reportEnv, skus, skuFile, timing.reconcileLimitMs, (line) => say(`  ${line}`));
  if (report.code !== 0) {
    notes.push(`stockhub-reconcile exit ${report.code}: ${report.detail.slice(0, 500)}`);
    // A call Shopify answered from its idempotency store applied nothing: the first suspect for a drift the channel believes it pushed.
    const stats = await hub.emulator.stats().catch(() => null);
    if (stats) notes.push(`Shopify emulator so far: ${stats.idempotentReplays} idempotent replays, user errors ${JSON.stringify(stats.userErrors)}`);
  }
  if (fault.capture) {
    const state = await connectorState(ERP_CONNECTOR);
    if (state.task !== 'RUNNING') notes.push(`ERP connector ${state.connector}/${state.task}: ${state.trace ?? ''}`);
  }
  const failed = actions.filter((a) => a.error !== undefined);
  for (const a of failed.slice(0, 3)) notes.push(`failed request: ${a.source} ${a.sku}@${a.location}: ${a.error!.slice(0, 200)}`);
  const count = (list: readonly { source: string }[]): string =>
    ['ERP', 'WMS', 'PDV', 'SHOPIFY']
      .map((s) => `${s === 'PDV' ? 'till' : s === 'SHOPIFY' ? 'Shopify' : s} ${list.filter((a) => a.source === s).length}`)
      .join(', ');
  const restarts = hub.supervisor
    .names()
    .map((n) => [n, hub.supervisor.restarts(n) - (restartsBefore.get(n) ?? 0)] as const)
    .filter(([, k]) => k > 0)
    .map(([n, k]) => `${n} ${k}`)
    .join(', ');
  const outcome: Outcome = {
    fault,
    loadSeconds,
    committed: once.committed,
    bySource: count(actions.filter((a) => a.committedAt !== undefined)),
    faultSeconds: (faultEnd - faultStart) / 1000,
    faultStartedAt: faultStart,
    faultEndedAt: faultEnd,
    recoverSeconds: recoveredAt === null ? null : (recoveredAt - faultEnd) / 1000,
    lost: once.lost.length,
    duplicated: once.duplicated.length,
    levels: levels.levels,
    levelMismatches: levels.mismatches,
    drift: report.code === 0 ? 0 : report.drift,
    reconcileCode: report.code,
    failedRequests: failed.length,
    failedBySource: count(failed),
    restarts: restarts === '' ? 'none' : restarts,
    notes,
    passed: once.lost.length === 0 && once.duplicated.length === 0 && levels.mismatches.length === 0 && report.code === 0 && recoveredAt !== null,
  };
  say(`${name}: ${outcome.passed ? 'PASSED' : 'FAILED'}; recovered in ${outcome.recoverSeconds?.toFixed(1) ?? '-'} s; lost ${outcome.lost}, duplicated ${outcome.duplicated}, level mismatches ${levels.mismatches.length}, drift ${outcome.drift}, failed requests ${failed.length}`);
  for (const note of notes) say(`  ${note}`);
  return outcome;
}

export const skuFileFor = (dir: string, run: string): string => join(dir, `chaos-${run}-skus.txt`);
