/**
 * The fault suite (`npm run chaos`): each fault of issue 11 under a steady mixed load, then
 * recovery, then the assertions (scripts/chaos/assertions.ts). Results as a table on stdout (the
 * rows of docs/reliability.md) and as JSON in .stack/logs/chaos-<run>.json; exit 1 when a
 * scenario not expected to fail failed.
 *
 *   npm run chaos                                   every scenario, full durations (ERP link cut 150 s, >= 75 s of load each)
 *   npm run chaos -- --bounded                      the short version `npm test` runs
 *   npm run chaos -- --scenarios erp-network,redis  some of them (names: FAULTS in ./faults.ts)
 *   options: --rate <actions/s> --hold <s> (overrides each fault's hold) --expect-fail <names> --keep
 *
 * Needs the stack up (scripts/stack up). Kills and restarts the stack's broker and Connect worker,
 * and restarts the machine's PostgreSQL and Redis: other users of the stack see those faults too.
 */
import '../development-env';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flag, numberOption, option, random, table } from '../bench/support/cli';
import { FAULTS } from './faults';
import { AGENTS, PORTS, startChaosHub } from './hub';
import { MixedLoad } from './load';
import { say } from './log';
import { runScenario, skuFileFor, type Outcome, type Timing } from './scenario';
import { warmUp } from './warmup';
import { StockHubError } from '../../core/errors';

const BOUNDED = flag('bounded');
const run = randomUUID().slice(0, 8);
const LOGS = resolve(__dirname, '../../.stack/logs');

/** Hold per fault, in s: full, bounded. The kills hold nothing: the restart is the fault's length. */
const HOLD_S: Record<string, [number, number]> = {
  'erp-network': [150, 30],
  'node-services': [5, 1],
  'kafka-connect': [0, 0],
  'kafka-broker': [5, 0],
  'hub-postgres': [15, 5],
  redis: [10, 3],
};

function timingOf(name: string): Timing {
  const hold = option('hold', '') === '' ? HOLD_S[name]![BOUNDED ? 1 : 0] : numberOption('hold', 0);
  return BOUNDED
    ? { beforeMs: 5_000, holdMs: hold * 1000, afterMs: 10_000, minLoadMs: 25_000, rate: numberOption('rate', 5), recoveryLimitMs: 60_000, reconcileLimitMs: 30_000 }
    : { beforeMs: 15_000, holdMs: hold * 1000, afterMs: 30_000, minLoadMs: 75_000, rate: numberOption('rate', 6), recoveryLimitMs: 300_000, reconcileLimitMs: 60_000 };
}

function row(o: Outcome, expectedToFail: boolean): string[] {
  const t = timingOf(o.fault.name);
  return [
    o.fault.name,
    `${o.loadSeconds.toFixed(0)} s at ${t.rate}/s: ${o.committed} changes (${o.bySource})`,
    `${o.faultSeconds.toFixed(1)} s`,
    o.recoverSeconds === null ? `not within ${t.recoveryLimitMs / 1000} s` : `${o.recoverSeconds.toFixed(1)} s`,
    String(o.lost),
    String(o.duplicated),
    `${o.drift} (levels vs ledger: ${o.levelMismatches.length} of ${o.levels} wrong)`,
    `${o.failedRequests}${o.failedRequests > 0 ? ` (${o.failedBySource})` : ''}`,
    o.restarts,
    o.passed ? 'pass' : expectedToFail ? 'FAIL (expected)' : 'FAIL',
  ];
}

async function main(): Promise<number> {
  const names = option('scenarios', FAULTS.map((f) => f.name).join(',')).split(',').filter(Boolean);
  const unknown = names.filter((n) => !FAULTS.some((f) => f.name === n));
  if (unknown.length > 0) throw new StockHubError(`--scenarios: unknown ${unknown.join(', ')} (known: ${FAULTS.map((f) => f.name).join(', ')})`);
  const expectFail = new Set(option('expect-fail', '').split(',').filter(Boolean));
  const faults = FAULTS.filter((f) => names.includes(f.name));
  const seed = numberOption('seed', Math.floor(Math.random() * 1e9));
  const rnd = random(seed);
  const start = Math.floor(rnd() * 40_000);
  // Each scenario on SKUs of its own: a drift one scenario leaves must not fail the next.
  const skusOf = (n: number): string[] => Array.from({ length: 30 }, (_, k) => String(10_000_001 + start + n * 30 * 7 + k * 7));
  const locations = ['DC01', ...Object.keys(AGENTS)];
  say(`run ${run} (seed ${seed}), ${BOUNDED ? 'bounded' : 'full'}: ${faults.map((f) => f.name).join(', ')}; 30 SKUs each at ${locations.join(', ')}`);
  const started = Date.now();
  const hub = await startChaosHub(run, flag('keep'));
  const load = new MixedLoad(run, Object.fromEntries(Object.entries(AGENTS).map(([s, port]) => [s, `http://127.0.0.1:${port}`])), hub.emulator, seed);
  const outcomes: Outcome[] = [];
  const stopping = (): void => {
    say('interrupted: restoring what the running fault changed, stopping the services');
    void Promise.all(faults.map((f) => f.cleanup?.(hub).catch(() => undefined))).finally(() => void hub.stop().finally(() => process.exit(130)));
  };
  process.once('SIGINT', stopping);
  process.once('SIGTERM', stopping);
  let aborted: string | null = null;
  try {
    for (const [n, fault] of faults.entries()) {
      try {
        const skus = skusOf(n);
        await warmUp(hub, skus, locations);
        load.useSkus(skus);
        outcomes.push(await runScenario(hub, load, fault, timingOf(fault.name), skus, skuFileFor(LOGS, run)));
      } catch (error) {
        // The scenarios after it would run on a broken stack: stop, and report what ran.
        aborted = `${fault.name}: the scenario itself failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
        say(aborted);
        break;
      } finally {
        await fault.cleanup?.(hub).catch((error: unknown) => say(`${fault.name}: cleanup failed: ${String(error)}`));
      }
    }
  } finally {
    await load.close().catch(() => undefined);
    await hub.stop();
  }
  const header = ['fault', 'load', 'fault duration', 'time to recover', 'lost', 'duplicated', 'drift after recovery', 'failed requests', 'services restarted', 'result'];
  process.stdout.write(`\nFault suite run ${run} (${BOUNDED ? 'bounded' : 'full'}), ${((Date.now() - started) / 60_000).toFixed(1)} min; ports ${Object.values(PORTS).join(', ')}\n\n${table(header, outcomes.map((o) => row(o, expectFail.has(o.fault.name))))}\n\n`);
  for (const o of outcomes) for (const note of o.notes) process.stdout.write(`${o.fault.name}: ${note}\n`);
  if (aborted !== null) process.stdout.write(`ABORTED ${aborted}\n`);
  writeFileSync(resolve(LOGS, `chaos-${run}.json`), JSON.stringify(outcomes.map((o) => ({ ...o, fault: o.fault.name, timing: timingOf(o.fault.name) })), null, 2));
  if (aborted !== null) return 1;
  const failed = outcomes.filter((o) => !o.passed && !expectFail.has(o.fault.name));
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
