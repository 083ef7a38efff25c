/**
 * The availability test (`npm run availability`, issue 12): on a stack of its own with three
 * Kafka brokers and two Connect workers (scripts/stack with STACK_KAFKA_NODES=3 under .stack-ha,
 * ports beside the main stack's), two instances of every replicated service behind HAProxy, the
 * fault suite's mixed load and a steady stream of stock queries through the load balancer; then
 * kill -9 of one broker, one Connect worker, one instance of each service, and a broker with a
 * reconciler. Prints the table (failover time, queries answered, p99, lost, duplicated, drift)
 * and exits 1 when a fault failed.
 *
 *   npm run availability                        full durations (faults held 30 s, >= 90 s of load each)
 *   npm run availability -- --bounded           the short version `npm test` runs
 *   npm run availability -- --scenarios broker,api   some of them (names: ./ha-faults.ts)
 *   options: --rate <changes/s> --query-rate <queries/s> --query-goal <percent> --instances <n> --seed <n>
 *            --keep (leave the HA stack up and keep the run's database)
 *
 * Brings the HA stack up itself and takes it down at the end (its data stays in .stack-ha for a
 * faster next start; `STACKHUB_STACK_DIR=.stack-ha scripts/stack reset` deletes it). Settings:
 * ./ha-stack.ts (STOCKHUB_HA_<NAME> overrides).
 */
import '../development-env';
import { flag } from '../bench/support/cli';
import { readCluster, stackCommand, useHaEnvironment } from './ha-stack';
import { say } from './log';

async function main(): Promise<number> {
  const keep = flag('keep');
  const env = useHaEnvironment();
  say(`HA stack in ${env.STACKHUB_STACK_DIR} (${env.STACK_KAFKA_NODES} brokers from ${env.KAFKA_BROKERS}, Connect from ${env.CONNECT_URL}): scripts/stack up`);
  const began = Date.now();
  let downDone = false;
  const teardown = async (): Promise<void> => {
    if (downDone) return;
    downDone = true;
    if (keep) say(`kept the HA stack up (--keep); STACKHUB_STACK_DIR=${env.STACKHUB_STACK_DIR} scripts/stack down stops it`);
    else await stackCommand('down');
  };
  try {
    await stackCommand('up');
    say(`HA stack up after ${((Date.now() - began) / 1000).toFixed(0)} s`);
    const cluster = readCluster();
    // Before the modules that read the stack's settings when loaded: every broker, every worker.
    process.env.KAFKA_BROKERS = cluster.brokers.join(',');
    process.env.CONNECT_URLS = cluster.connectUrls.join(',');
    process.env.CONNECT_METRICS_URLS = cluster.connectMetricsUrls.join(',');
    const { runAvailability } = await import('./ha-run');
    const code = await runAvailability(cluster, teardown);
    say(`availability test ${code === 0 ? 'passed' : 'FAILED'}; ${((Date.now() - began) / 60_000).toFixed(1)} min in all, the HA stack's start included`);
    return code;
  } finally {
    await teardown();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
