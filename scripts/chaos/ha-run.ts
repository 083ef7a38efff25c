/**
 * The availability test's run (started by ./availability.ts once the HA stack is up): two
 * instances of every replicated service and HAProxy on the HA stack, the mixed load of the fault
 * suite, stock queries through the load balancer the whole time, and each fault of ./ha-faults.ts
 * in turn. Per fault: the fault suite's assertions (0 lost, 0 duplicated, levels = ledger,
 * stockhub-reconcile exits 0), the failover time, and the share of queries answered in the
 * fault's window with their latency. The table goes to stdout, the details to
 * $STACKHUB_STACK_DIR/logs/availability-<run>.json; the exit code is 1 when a fault failed.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { StockHubError } from '../../core/errors';
import { flag, numberOption, option, random, table } from '../bench/support/cli';
import { failoverOf, interfaceLandings, ledgerLandings, type Failover } from './failover';
import { haFaults, type HaFault } from './ha-faults';
import { HA_REDIS_DB, stackCommand, stopStackCommands, type Cluster } from './ha-stack';
import { startChaosHub, type ChaosHub, type HubLayout } from './hub';
import { MixedLoad } from './load';
import { say } from './log';
import { DEFAULT_PROBE, QueryProbe, type ProbeWindow } from './query-probe';
import { runScenario, skuFileFor, type Outcome, type Timing } from './scenario';
import { warmUp } from './warmup';

const BOUNDED = flag('bounded');
const STACK_DIR = process.env.STACKHUB_STACK_DIR!;
const LOGS = resolve(STACK_DIR, 'logs');
/** Share of the stock queries that must be answered during each fault, in percent (the brief's 99.9% availability). */
const QUERY_GOAL = numberOption('query-goal', 99.9);

/** Ports of their own, beside the fault suite's (185xx) and npm start's (80xx): instance i of a service on its port + 100 x i. */
const PORTS = { emulator: 28500, sinks: 28501, reconciler: 28502, writeback: 28503, channel: 28504, api: 28505, proxy: 28520 };
const AGENTS = { S001: 28511, S002: 28512 };

const hubLayout = (): HubLayout => ({
  ports: PORTS,
  agents: AGENTS,
  redisDb: HA_REDIS_DB,
  instances: numberOption('instances', 2),
  balancer: { opsPort: 28506, configDir: resolve(STACK_DIR, 'run') },
});

/** Seconds a fault is held before what it broke is brought back, full and bounded; the instance kills hold nothing (the supervisor restarts at once). */
const HOLD_S: Record<string, [number, number]> = { broker: [30, 5], 'broker+reconciler': [30, 5] };

function timingOf(name: string): Timing {
  const hold = (HOLD_S[name] ?? [5, 0])[BOUNDED ? 1 : 0] * 1000;
  return BOUNDED
    ? { beforeMs: 3_000, holdMs: hold, afterMs: 5_000, minLoadMs: 10_000, rate: numberOption('rate', 5), recoveryLimitMs: 60_000, reconcileLimitMs: 30_000 }
    : { beforeMs: 20_000, holdMs: hold, afterMs: 40_000, minLoadMs: 90_000, rate: numberOption('rate', 8), recoveryLimitMs: 180_000, reconcileLimitMs: 60_000 };
}

interface Assessed {
  outcome: Outcome;
  fault: HaFault;
  /** The failover time in ms, null when it did not happen within its limit. */
  failoverMs: number | null;
  failover: string;
  queries: ProbeWindow;
  passed: boolean;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function describeFlow(f: Failover, stage: string): string {
  return f.delayed === 0 ? `no change held up on its way to ${stage} (p99 before ${f.baselineP99Ms} ms)` : `${f.delayed} changes held up on their way to ${stage}, the last landed ${seconds(f.ms)} after the kill`;
}

/** The failover time of the fault just run, by its measure, and the queries of its window. */
async function assess(hub: ChaosHub, erp: Pool, load: MixedLoad, probe: QueryProbe, fault: HaFault, outcome: Outcome): Promise<Assessed> {
  const kill = fault.kill;
  if (kill === null) throw new StockHubError(`${fault.name}: no kill recorded`);
  const actions = load.of(fault.name);
  let failoverMs: number | null;
  let failover: string;
  if (fault.measure === 'ledger' || fault.measure === 'interface') {
    const inLedger = await ledgerLandings(hub.pool, actions);
    const flow = fault.measure === 'ledger' ? failoverOf([...inLedger.values()], kill.killedAt) : failoverOf(await interfaceLandings(erp, inLedger, actions), kill.killedAt);
    failover = describeFlow(flow, fault.measure === 'ledger' ? 'the ledger' : "the ERP's interface table");
    failoverMs = flow.ms;
    if (kill.takeoverMs !== undefined) {
      // Connect: the brief's measure is the tasks running on the other worker; the flow says what it cost.
      failover = `${kill.takeover}${kill.takeoverMs === null ? '' : ` after ${seconds(kill.takeoverMs)}`}; ${failover}`;
      failoverMs = kill.takeoverMs;
    }
  } else if (fault.measure === 'queries') {
    // Until the killed instance is back in the pool (healthy, then HAProxy's two checks a second apart): later failures are not its.
    const after = probe.window(kill.killedAt, outcome.faultEndedAt + 2_000);
    failoverMs = after.lastFailureAt === null ? 0 : after.lastFailureAt - kill.killedAt;
    failover = after.lastFailureAt === null ? 'no query failed while the instance was out' : `the last failed query while the instance was out was sent ${seconds(failoverMs)} after the kill`;
  } else {
    failoverMs = kill.takeoverMs ?? null;
    failover = kill.takeover ?? 'not measured';
  }
  const windowEnd = Math.max(outcome.faultEndedAt, kill.killedAt + (failoverMs ?? 0)) + 1_000;
  const queries = probe.window(kill.killedAt, windowEnd);
  const passed = outcome.passed && failoverMs !== null && queries.okPercent >= QUERY_GOAL;
  say(`${fault.name}: failover ${failoverMs === null ? 'not within its limit' : seconds(failoverMs)} (${failover}); queries ${queries.ok}/${queries.sent} answered in ${seconds(windowEnd - kill.killedAt)} from the kill, p99 ${queries.p99Ms} ms`);
  return { outcome, fault, failoverMs, failover, queries, passed };
}

function row(a: Assessed): string[] {
  const o = a.outcome;
  const t = timingOf(a.fault.name);
  const q = a.queries;
  return [
    `${a.fault.name} (${a.fault.kill?.what ?? '?'})`,
    `${o.loadSeconds.toFixed(0)} s at ${t.rate}/s: ${o.committed} changes`,
    a.failoverMs === null ? 'not within its limit' : seconds(a.failoverMs),
    `${q.okPercent.toFixed(2)}% (${q.ok}/${q.sent})`,
    `${q.p99Ms} ms (p50 ${q.p50Ms} ms)`,
    String(o.lost),
    String(o.duplicated),
    `${o.drift}${o.levelMismatches.length > 0 ? ` (${o.levelMismatches.length} levels off the ledger)` : ''}`,
    a.passed ? 'pass' : 'FAIL',
  ];
}

/** 30 SKUs per fault, all within the HA stack's seed (the WMS updates rows that must exist), spread so that they meet every partition. */
function skuPicker(faults: number, seed: number): (n: number) => string[] {
  const seeded = Number(process.env.SEED_SKUS);
  if (!Number.isInteger(seeded) || seeded < faults * 30) throw new StockHubError(`SEED_SKUS=${process.env.SEED_SKUS}: the HA stack needs at least ${faults * 30} seeded SKUs`);
  const stride = Math.max(1, Math.min(7, Math.floor((seeded - 1) / (faults * 30))));
  const start = Math.floor(random(seed)() * Math.max(1, seeded - faults * 30 * stride));
  return (n) => Array.from({ length: 30 }, (_, k) => String(10_000_001 + start + (n * 30 + k) * stride));
}

/** Runs the faults; `teardown` is what the caller does at the end (the HA stack down), run here too on Ctrl-C. */
export async function runAvailability(cluster: Cluster, teardown: () => Promise<void>): Promise<number> {
  const run = randomUUID().slice(0, 8);
  const limits = BOUNDED ? { takeoverMs: 90_000, restartMs: 60_000 } : { takeoverMs: 180_000, restartMs: 120_000 };
  const all = haFaults(cluster, limits);
  const names = option('scenarios', all.map((f) => f.name).join(',')).split(',').filter(Boolean);
  const unknown = names.filter((n) => !all.some((f) => f.name === n));
  if (unknown.length > 0) throw new StockHubError(`--scenarios: unknown ${unknown.join(', ')} (known: ${all.map((f) => f.name).join(', ')})`);
  const faults = all.filter((f) => names.includes(f.name));
  const seed = numberOption('seed', Math.floor(Math.random() * 1e9));
  const skusOf = skuPicker(faults.length, seed);
  const layout = hubLayout();
  const locations = ['DC01', ...Object.keys(AGENTS)];
  const started = Date.now();
  say(`availability run ${run} (seed ${seed}), ${BOUNDED ? 'bounded' : 'full'}: ${faults.map((f) => f.name).join(', ')}; brokers ${cluster.brokers.join(', ')}, Connect ${cluster.connectUrls.join(', ')}`);
  const hub = await startChaosHub(run, flag('keep'), layout);
  const stack = loadConfig(stackConfigSchema);
  const erp = new Pool({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD, max: 2 });
  erp.on('error', () => undefined);
  const load = new MixedLoad(run, Object.fromEntries(Object.entries(AGENTS).map(([s, port]) => [s, `http://127.0.0.1:${port}`])), hub.emulator, seed);
  const probe = new QueryProbe({ ...DEFAULT_PROBE, url: `http://127.0.0.1:${PORTS.api}`, rate: numberOption('query-rate', DEFAULT_PROBE.rate) });
  const progress = setInterval(() => say(`  ${probe.status()}`), 10_000);
  const assessed: Assessed[] = [];
  let aborted: string | null = null;
  const stopping = (): void => {
    say('interrupted: stopping the services and the HA stack');
    // Whatever a fault was bringing back, the stack goes down next; with --keep it is brought back whole, once.
    void stopStackCommands()
      .then(() => probe.stop())
      .then(() => hub.stop())
      .then(() => (flag('keep') ? stackCommand('up') : undefined))
      .then(teardown)
      .catch((error: unknown) => say(`while stopping: ${String(error)}`))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', stopping);
  process.once('SIGTERM', stopping);
  try {
    // One warm-up for every fault's SKUs: the bounded run's minutes go to the faults.
    await warmUp(hub, faults.flatMap((_, n) => skusOf(n)), locations);
    probe.useSkus(skusOf(0));
    probe.start();
    for (const [n, fault] of faults.entries()) {
      const skus = skusOf(n);
      load.useSkus(skus);
      probe.useSkus(skus);
      try {
        const outcome = await runScenario(hub, load, fault, timingOf(fault.name), skus, skuFileFor(LOGS, run));
        assessed.push(await assess(hub, erp, load, probe, fault, outcome));
      } catch (error) {
        // The faults after it would run on a broken cluster: stop, and report what ran.
        aborted = `${fault.name}: the scenario itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
        say(aborted);
        break;
      } finally {
        await fault.cleanup?.(hub).catch((error: unknown) => say(`${fault.name}: cleanup failed: ${String(error)}`));
      }
    }
  } finally {
    clearInterval(progress);
    await probe.stop();
    await load.close().catch(() => undefined);
    await erp.end().catch(() => undefined);
    await hub.stop();
  }
  const whole = probe.window(started, Date.now());
  const header = ['fault', 'load', 'failover time', 'queries answered during the fault', 'p99 during the fault', 'lost', 'duplicated', 'drift', 'result'];
  process.stdout.write(
    `\nAvailability test run ${run} (${BOUNDED ? 'bounded' : 'full'}), ${((Date.now() - started) / 60_000).toFixed(1)} min after the HA stack was up; ${layout.instances} instances of each service behind HAProxy, ${cluster.brokers.length} brokers, ${cluster.connectUrls.length} Connect workers; queries at ${probe.rate}/s\n\n` +
      `${table(header, assessed.map(row))}\n\nqueries over the whole run: ${whole.ok}/${whole.sent} answered (${whole.okPercent.toFixed(3)}%), p50 ${whole.p50Ms} ms, p99 ${whole.p99Ms} ms, max ${whole.maxMs} ms; ${probe.skipped} not sent (the runner itself held up)\n`,
  );
  for (const a of assessed) {
    process.stdout.write(`${a.fault.name}: failover: ${a.failover}\n`);
    if (a.queries.failures.length > 0) process.stdout.write(`${a.fault.name}: failed queries: ${a.queries.failures.map(([r, k]) => `${r} x${k}`).join(', ')}\n`);
    for (const note of a.outcome.notes) process.stdout.write(`${a.fault.name}: ${note}\n`);
  }
  if (aborted !== null) process.stdout.write(`ABORTED ${aborted}\n`);
  writeFileSync(
    resolve(LOGS, `availability-${run}.json`),
    JSON.stringify(
      assessed.map((a) => ({ ...a, fault: a.fault.name, kill: a.fault.kill, outcome: { ...a.outcome, fault: a.fault.name }, timing: timingOf(a.fault.name) })),
      null,
      2,
    ),
  );
  return aborted === null && assessed.every((a) => a.passed) ? 0 : 1;
}
