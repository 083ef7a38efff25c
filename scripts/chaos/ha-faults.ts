/**
 * The availability test's faults (issue 12): kill -9 of one broker of three, of one Connect
 * worker of two, of one instance of each replicated service (two run), and of a broker and a
 * reconciler together. Each records when it killed what, and what it could only see while the
 * fault was on (Connect's tasks running on the other worker, the standby pusher leading); the
 * runner measures the rest from what the load left behind (./failover.ts, ./query-probe.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { TOPICS } from '../../core/topics';
import { DependencyError } from '../../core/errors';
import { instancesOf } from '../haproxy';
import { ERP_CONNECTOR, placement } from './connect';
import { alive, killHard, type Fault } from './faults';
import { stackCommand, type Cluster } from './ha-stack';
import type { ChaosHub, Replicated } from './hub';
import { say } from './log';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** What scripts/stack registers (connectors/*.json). */
const CONNECTORS = [ERP_CONNECTOR, 'wms-stock-cdc'];

/** How a fault's failover time is measured once its scenario is over. */
export type FailoverMeasure =
  /** Source changes held up on their way to the ledger (./failover.ts). */
  | 'ledger'
  /** Changes held up on their way to the ERP's interface table. */
  | 'interface'
  /** Stock queries through the load balancer that failed after the kill. */
  | 'queries'
  /** Only what was seen during the fault: the standby became the leader. */
  | 'takeover';

export interface Kill {
  killedAt: number;
  /** What was killed, for the report. */
  what: string;
  /** A takeover seen while the fault was on (Connect's tasks moved, a new leader), in ms after the kill; null when it did not happen within the limit. */
  takeoverMs?: number | null;
  takeover?: string;
}

export interface HaFault extends Fault {
  measure: FailoverMeasure;
  /** The kill of the last inject(); null before. */
  kill: Kill | null;
}

/** What the faults may wait for, in ms. */
export interface HaLimits {
  /** Connect moving the tasks of a dead worker, a standby taking the lead. */
  takeoverMs: number;
  /** A killed instance healthy again under the supervisor. */
  restartMs: number;
}

const pidIn = (file: string): number => Number(readFileSync(file, 'utf8').trim());

/** The broker that leads the most partitions of stock.movements: its death moves the most leaders. */
async function busiestBroker(hub: ChaosHub, cluster: Cluster): Promise<{ index: number; nodeId: number; led: number }> {
  const admin = hub.kafka.admin();
  await admin.connect();
  try {
    const [{ brokers }, metadata] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata({ topics: [TOPICS.movements] })]);
    const led = new Map<number, number>();
    for (const p of metadata.topics[0]!.partitions) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
    const [nodeId, count] = [...led.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const broker = brokers.find((b) => b.nodeId === nodeId)!;
    const index = cluster.brokers.indexOf(`${broker.host}:${broker.port}`);
    if (index < 0) throw new DependencyError(`broker ${nodeId} (${broker.host}:${broker.port}) is not one of ${cluster.brokers.join(', ')}`, 'kafka');
    return { index, nodeId, led: count };
  } finally {
    await admin.disconnect();
  }
}

interface BrokerVictim {
  pid: number;
  what: string;
  detail: string;
}

async function pickBroker(hub: ChaosHub, cluster: Cluster): Promise<BrokerVictim> {
  const { index, nodeId, led } = await busiestBroker(hub, cluster);
  const what = `broker ${nodeId} (${cluster.brokers[index]})`;
  return { pid: pidIn(cluster.kafkaPidFiles[index]!), what, detail: `Kafka ${what}, leader of ${led} stock.movements partitions` };
}

/** The stack's JVMs that are not running are started again by scripts/stack up, which waits for the connectors. */
async function bringBack(pidFiles: readonly string[], startedAt: number): Promise<string> {
  await stackCommand('up');
  const dead = pidFiles.filter((f) => !alive(pidIn(f)));
  if (dead.length > 0) throw new DependencyError(`scripts/stack up left ${dead.join(', ')} not running`, 'stack');
  return `back ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the kill`;
}

/** Should a fault have failed before it brought its JVM back, the next fault must not start on a smaller cluster. */
async function restoreStack(cluster: Cluster): Promise<void> {
  const running = (file: string): boolean => existsSync(file) && alive(pidIn(file));
  if (![...cluster.kafkaPidFiles, ...cluster.connectPidFiles].every(running)) await stackCommand('up');
}

const PUBLIC_PORT: Record<Replicated, (hub: ChaosHub) => number> = {
  sinks: (hub) => hub.layout.ports.sinks,
  reconciler: (hub) => hub.layout.ports.reconciler,
  'erp-writeback': (hub) => hub.layout.ports.writeback,
  'shopify-channel': (hub) => hub.layout.ports.channel,
  api: (hub) => hub.layout.ports.api,
};

async function leads(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/leader`, { signal: AbortSignal.timeout(1_000) })).status === 200;
  } catch {
    return false;
  }
}

/** kill -9 of an instance; resolves once the supervisor has it healthy again. */
async function killInstance(hub: ChaosHub, name: string, limits: HaLimits): Promise<{ killedAt: number; back: Promise<number> }> {
  const pid = hub.supervisor.pid(name);
  if (pid === undefined) throw new DependencyError(`${name} is not running`, name);
  const killedAt = Date.now();
  await killHard(pid, name);
  const back = (async () => {
    for (let i = 0; i < 600 && (hub.supervisor.pid(name) ?? pid) === pid; i++) await sleep(100);
    await hub.supervisor.waitHealthy(name, limits.restartMs);
    return Date.now() - killedAt;
  })();
  return { killedAt, back };
}

function instanceKill(service: Replicated, measure: FailoverMeasure, limits: HaLimits): HaFault {
  const fault: HaFault = {
    name: service,
    what:
      service === 'shopify-channel'
        ? 'kill -9 of the Shopify channel instance that leads (pushes), restarted by the supervisor; the standby takes the lead'
        : `kill -9 of one of the ${service} instances, restarted by the supervisor; the other goes on`,
    measure,
    kill: null,
    async inject(hub, holdMs) {
      const instances = instancesOf(service, PUBLIC_PORT[service](hub), hub.layout.instances);
      let victim = instances[0]!;
      if (service === 'shopify-channel') {
        const leading = [];
        for (const i of instances) if (await leads(i.port)) leading.push(i);
        if (leading.length !== 1) throw new DependencyError(`${leading.length} Shopify channel instances lead (${leading.map((i) => i.name).join(', ')}), expected 1`, service);
        victim = leading[0]!;
      }
      const { killedAt, back } = await killInstance(hub, victim.name, limits);
      fault.kill = { killedAt, what: victim.name };
      if (service === 'shopify-channel') {
        const others = instances.filter((i) => i !== victim);
        const deadline = killedAt + limits.takeoverMs;
        let leader: string | null = null;
        while (leader === null && Date.now() < deadline) {
          for (const i of others) if (await leads(i.port)) leader = i.name;
          if (leader === null) await sleep(100);
        }
        fault.kill.takeoverMs = leader === null ? null : Date.now() - killedAt;
        fault.kill.takeover = leader === null ? `no other instance led within ${limits.takeoverMs / 1000} s` : `${leader} leads`;
        say(`  ${fault.kill.takeover}${leader === null ? '' : ` ${(fault.kill.takeoverMs! / 1000).toFixed(1)} s after the kill`}`);
      }
      const backMs = await back;
      say(`  ${victim.name} healthy again ${(backMs / 1000).toFixed(1)} s after the kill`);
      await sleep(holdMs);
      return `${victim.name} healthy again ${(backMs / 1000).toFixed(1)} s after the kill`;
    },
  };
  return fault;
}

/** The worker that runs the ERP connector's task: its death must move the task. */
async function connectVictim(cluster: Cluster): Promise<number> {
  const { tasks } = await placement(ERP_CONNECTOR);
  const index = cluster.connectUrls.findIndex((url) => new URL(url).host === tasks[0]?.worker);
  if (index < 0) throw new DependencyError(`the ERP connector's task runs on ${tasks[0]?.worker ?? 'no worker'}, none of ${cluster.connectUrls.join(', ')}`, 'kafka-connect');
  return index;
}

/**
 * Polls until every task of the stack's connectors is RUNNING on a worker other than `dead`: the
 * ms after `since`, or null after the limit with what was seen last.
 */
async function tasksMoved(dead: string, since: number, limitMs: number): Promise<{ ms: number | null; last: string }> {
  let last = 'no answer from any worker';
  while (Date.now() - since < limitMs) {
    try {
      const all = await Promise.all(CONNECTORS.map(async (name) => ({ name, ...(await placement(name)) })));
      last = all.map((p) => `${p.name} ${p.connector.state}@${p.connector.worker}, tasks ${p.tasks.map((t) => `${t.state}@${t.worker}`).join(' ') || 'none'}`).join('; ');
      if (all.every((p) => p.connector.state === 'RUNNING' && p.tasks.length > 0 && p.tasks.every((t) => t.state === 'RUNNING' && t.worker !== dead))) return { ms: Date.now() - since, last };
    } catch (error) {
      // the surviving worker may be rebalancing and refuse the call for a moment
      last = String(error);
    }
    await sleep(250);
  }
  return { ms: null, last };
}

export function haFaults(cluster: Cluster, limits: HaLimits): HaFault[] {
  const broker: HaFault = {
    name: 'broker',
    what: 'kill -9 of the broker leading the most stock.movements partitions (of 3; RF 3, min ISR 2), held down, then scripts/stack up',
    measure: 'ledger',
    capture: true,
    kill: null,
    cleanup: () => restoreStack(cluster),
    async inject(hub, holdMs) {
      const { pid, what, detail } = await pickBroker(hub, cluster);
      broker.kill = { killedAt: Date.now(), what };
      await killHard(pid, detail);
      await sleep(holdMs);
      return `${what} down ${holdMs / 1000} s, ${await bringBack(cluster.kafkaPidFiles, broker.kill.killedAt)}`;
    },
  };
  const worker: HaFault = {
    name: 'connect-worker',
    what: 'kill -9 of the Connect worker running the ERP connector (of 2 in one group); its tasks move to the other; then scripts/stack up',
    measure: 'ledger',
    capture: true,
    kill: null,
    cleanup: () => restoreStack(cluster),
    async inject() {
      const index = await connectVictim(cluster);
      const dead = new URL(cluster.connectUrls[index]!).host;
      worker.kill = { killedAt: Date.now(), what: `worker ${dead}` };
      await killHard(pidIn(cluster.connectPidFiles[index]!), `Connect worker ${dead}`);
      const moved = await tasksMoved(dead, worker.kill.killedAt, limits.takeoverMs);
      worker.kill.takeoverMs = moved.ms;
      worker.kill.takeover = moved.ms === null ? `tasks not RUNNING elsewhere within ${limits.takeoverMs / 1000} s (last seen: ${moved.last})` : 'tasks RUNNING on the other worker';
      say(`  ${worker.kill.takeover}${worker.kill.takeoverMs === null ? '' : ` ${(worker.kill.takeoverMs / 1000).toFixed(1)} s after the kill`}`);
      return `worker ${dead}: ${worker.kill.takeover}; ${await bringBack(cluster.connectPidFiles, worker.kill.killedAt)}`;
    },
  };
  const together: HaFault = {
    name: 'broker+reconciler',
    what: 'kill -9 of a broker and of a reconciler instance at the same moment; the supervisor restarts the reconciler, scripts/stack up the broker',
    measure: 'ledger',
    capture: true,
    kill: null,
    cleanup: () => restoreStack(cluster),
    async inject(hub, holdMs) {
      const victim = hub.instances('reconciler')[0]!;
      const { pid, what, detail } = await pickBroker(hub, cluster);
      const reconciler = await killInstance(hub, victim, limits);
      await killHard(pid, detail);
      together.kill = { killedAt: reconciler.killedAt, what: `${what} and ${victim}` };
      await sleep(holdMs);
      const back = await bringBack(cluster.kafkaPidFiles, together.kill.killedAt);
      return `${what} ${back}; ${victim} healthy again ${((await reconciler.back) / 1000).toFixed(1)} s after the kill`;
    },
  };
  // The broker kills last: what a leader change leaves behind in the clients (a producer that
  // lost its sequence) must not be blamed on the instance kills after it.
  return [
    instanceKill('sinks', 'ledger', limits),
    instanceKill('api', 'queries', limits),
    instanceKill('reconciler', 'ledger', limits),
    instanceKill('erp-writeback', 'interface', limits),
    instanceKill('shopify-channel', 'takeover', limits),
    worker,
    broker,
    together,
  ];
}
