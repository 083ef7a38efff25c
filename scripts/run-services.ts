/**
 * Runs the project's services side by side as child processes (node with the tsx loader), each
 * logging JSON to .stack/logs/<name>.log: the Shopify emulator, the ERP stand-in's import job,
 * the sinks, the hub, its channels, three store agents, and the simulated trading day that
 * drives them. STOCKHUB_INSTANCES=2 (or more) runs that many of the sinks, reconciler, ERP
 * write-back, Shopify channel and API, named sinks-1, sinks-2, ... on the ports of
 * scripts/haproxy.ts, with HAProxy (supervised like them) on the public ports of the sinks, the
 * API and the Shopify channel. Waits until each /health
 * answers, prints where they listen and where the dashboard is, restarts a service that exits
 * (with backoff, scripts/restart-policy.ts) while the others go on, and stops them all on Ctrl-C
 * (SIGINT) or SIGTERM. Used by `npm start`; the fault suite (scripts/chaos) supervises its own
 * services with the same Supervisor.
 */
import './development-env';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_RESTART_POLICY, FRESH, nextRestart, type RestartPolicy, type RestartState } from './restart-policy';
import { loadConfig } from '../core/config';
import { StockHubError } from '../core/errors';
import { balancedPort, isBalanced, instancesConfigSchema, instancesOf, writeHaproxyConfig, type BalancedPort, type InstancesConfig } from './haproxy';

const ROOT = resolve(__dirname, '..');
const LOGS = resolve(ROOT, '.stack/logs');

interface CommonSpec {
  name: string;
  /** Where its /health answers (the supervisor's readiness probe). */
  port: number;
  describe: string;
  env?: Record<string, string>;
  /** Its plain progress lines (not its JSON log) also go to the terminal. */
  echo?: boolean;
}

/** One of the project's services (a TypeScript entry, run by node with tsx's loader), or another program (HAProxy). */
export type ServiceSpec = CommonSpec & ({ entry: string } | { program: string; args: readonly string[] });

export interface SupervisorOptions {
  /** Where <logPrefix><name>.log goes. */
  logs: string;
  logPrefix?: string;
  policy?: RestartPolicy;
  /** Terminal lines (restarts, waits). */
  say: (line: string) => void;
}

/** What the supervisor saw happen to a service; the fault suite times recoveries from these. */
export interface ServiceEvent {
  type: 'started' | 'healthy' | 'exited';
  name: string;
  at: number;
  detail?: string;
}

interface Supervised {
  spec: ServiceSpec;
  child: ChildProcess | null;
  startedAt: number;
  healthyAt: number | null;
  restart: RestartState;
  restarts: number;
  timer: NodeJS.Timeout | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function answers(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Keeps child services running: one that exits is started again after the restart policy's
 * delay, logged to the terminal; the others are not touched. stopAll() ends the supervision.
 */
export class Supervisor {
  private readonly services = new Map<string, Supervised>();
  private readonly listeners: Array<(event: ServiceEvent) => void> = [];
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    mkdirSync(options.logs, { recursive: true });
  }

  onEvent(listener: (event: ServiceEvent) => void): void {
    this.listeners.push(listener);
  }

  add(spec: ServiceSpec): void {
    const entry: Supervised = { spec, child: null, startedAt: 0, healthyAt: null, restart: FRESH, restarts: 0, timer: null };
    this.services.set(spec.name, entry);
    this.launch(entry);
  }

  pid(name: string): number | undefined {
    return this.services.get(name)?.child?.pid;
  }

  restarts(name: string): number {
    return this.services.get(name)?.restarts ?? 0;
  }

  names(): string[] {
    return [...this.services.keys()];
  }

  /** Resolves once the service's current run answers /health; fails after timeoutMs. */
  async waitHealthy(name: string, timeoutMs: number): Promise<void> {
    const entry = this.services.get(name);
    if (entry === undefined) throw new StockHubError(`no service named ${name}`);
    const deadline = Date.now() + timeoutMs;
    let lastReport = Date.now();
    while (Date.now() < deadline) {
      if (entry.healthyAt !== null) return;
      if (Date.now() - lastReport > 10_000) {
        this.options.say(`waiting for ${name} ...`);
        lastReport = Date.now();
      }
      await sleep(200);
    }
    throw new StockHubError(`${name} not healthy after ${timeoutMs / 1000} s; see ${this.logPath(name)}`);
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    const running = [...this.services.values()].filter((s) => s.child !== null);
    for (const s of this.services.values()) if (s.timer) clearTimeout(s.timer);
    const exits = running.map((s) => new Promise((r) => s.child!.once('exit', r)));
    for (const s of running) s.child!.kill('SIGTERM');
    await Promise.race([Promise.all(exits), sleep(15_000)]);
    for (const s of running) s.child?.kill('SIGKILL');
  }

  private logPath(name: string): string {
    return resolve(this.options.logs, `${this.options.logPrefix ?? ''}${name}.log`);
  }

  private emit(event: ServiceEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private launch(entry: Supervised): void {
    const { spec } = entry;
    const log = createWriteStream(this.logPath(spec.name), { flags: 'a' });
    // node with tsx's loader, not the tsx wrapper: a kill -9 of the wrapper would leave its node child running.
    const [file, args] = 'entry' in spec ? [process.execPath, ['--import', 'tsx', spec.entry]] : [spec.program, [...spec.args]];
    const child = spawn(file, args, { cwd: ROOT, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    // A program that cannot be started (not installed) exits without an exit code, and says why here.
    child.on('error', (error) => this.options.say(`${spec.name}: cannot run ${file}: ${error.message}`));
    if (spec.echo) {
      child.stdout!.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line.startsWith('[')) process.stdout.write(`${line}\n`);
      });
    }
    entry.child = child;
    entry.startedAt = Date.now();
    entry.healthyAt = null;
    this.emit({ type: 'started', name: spec.name, at: entry.startedAt });
    void this.watchHealth(entry, child);
    child.on('exit', (code, signal) => {
      entry.child = null;
      const at = Date.now();
      this.emit({ type: 'exited', name: spec.name, at, detail: String(code ?? signal) });
      if (this.stopping) return;
      const healthyFor = entry.healthyAt === null ? 0 : at - entry.healthyAt;
      const decision = nextRestart(this.options.policy ?? DEFAULT_RESTART_POLICY, entry.restart, healthyFor);
      entry.restart = decision.state;
      entry.restarts++;
      this.options.say(
        `${spec.name} exited (${code ?? signal}) after ${((at - entry.startedAt) / 1000).toFixed(0)} s; restart ${entry.restarts} in ${(decision.delayMs / 1000).toFixed(1)} s (see ${this.logPath(spec.name)})`,
      );
      entry.timer = setTimeout(() => {
        entry.timer = null;
        if (!this.stopping) this.launch(entry);
      }, decision.delayMs);
    });
  }

  /** Marks the run healthy at its first 200 from /health; bounded by the run itself. */
  private async watchHealth(entry: Supervised, child: ChildProcess): Promise<void> {
    while (entry.child === child && !this.stopping) {
      if (await answers(entry.spec.port)) {
        if (entry.child !== child) return;
        entry.healthyAt = Date.now();
        if (entry.restarts > 0) this.options.say(`${entry.spec.name} healthy again (restart ${entry.restarts}, ${((entry.healthyAt - entry.startedAt) / 1000).toFixed(1)} s after its start)`);
        this.emit({ type: 'healthy', name: entry.spec.name, at: entry.healthyAt });
        return;
      }
      await sleep(250);
    }
  }
}

const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const AGENT_STORES = ['S001', 'S002', 'S003'];
/** HAProxy's configuration, generated at each start: the stack's run folder holds what the stack runs. */
const HAPROXY_CONFIG = resolve(ROOT, '.stack/run/haproxy.cfg');

/** A service that runs STOCKHUB_INSTANCES times; those haproxy.ts balances get a load balancer on their public port. */
interface Replicated {
  name: string;
  entry: string;
  /** The variable that tells the service its port, and its public port (the default, or the environment's). */
  portVariable: string;
  publicPort: number;
  describe: string;
}

const REPLICATED: Replicated[] = [
  { name: 'sinks', entry: 'sinks/main.ts', portVariable: 'SINK_HTTP_PORT', publicPort: port('SINK_HTTP_PORT', 8090), describe: 'PDV ingest POST /v1/stores/{storeId}/movements, Shopify POST /webhooks/shopify' },
  { name: 'reconciler', entry: 'hub/reconciler/main.ts', portVariable: 'RECONCILER_HTTP_PORT', publicPort: port('RECONCILER_HTTP_PORT', 8091), describe: 'stock.movements -> ledger + levels -> stock.levels' },
  { name: 'erp-writeback', entry: 'hub/channels/erp-writeback/main.ts', portVariable: 'WRITEBACK_HTTP_PORT', publicPort: port('WRITEBACK_HTTP_PORT', 8092), describe: "other systems' movements -> ERP interface table ERPADM.HUBIMP" },
  {
    name: 'shopify-channel',
    entry: 'hub/channels/shopify/main.ts',
    portVariable: 'SHOPIFY_CHANNEL_HTTP_PORT',
    publicPort: port('SHOPIFY_CHANNEL_HTTP_PORT', 8093),
    describe: 'stock.levels -> Shopify inventorySetQuantities (SHOPIFY_CHANNEL_MODE=shadow writes nothing); one instance pushes, the others stand by',
  },
  { name: 'api', entry: 'hub/api/main.ts', portVariable: 'API_HTTP_PORT', publicPort: port('API_HTTP_PORT', 8080), describe: 'GET /v1/stock/{sku}, POST /v1/stock/query, /v1/reservations, store feeds, ops dashboard /dashboard' },
];

const replicas = (service: Replicated, count: number): ServiceSpec[] =>
  instancesOf(service.name, service.publicPort, count).map((instance) => ({
    name: instance.name,
    entry: service.entry,
    port: instance.port,
    describe: service.describe,
    env: { [service.portVariable]: String(instance.port) },
  }));

/** With two or more instances, HAProxy on the public ports of the balanced services. */
function loadBalancer({ STOCKHUB_INSTANCES: count, HAPROXY_HTTP_PORT: opsPort }: InstancesConfig, configPath: string): ServiceSpec[] {
  if (count === 1) return [];
  const ports: BalancedPort[] = REPLICATED.flatMap((service) => (isBalanced(service.name) ? [balancedPort(service.name, service.publicPort, count)] : []));
  const run = writeHaproxyConfig(configPath, { host: process.env.HTTP_HOST ?? '127.0.0.1', opsPort, ports });
  const fronted = ports.map((p) => `${p.name} :${p.publicPort}`).join(', ');
  return [{ name: 'haproxy', ...run, port: opsPort, describe: `load balancer (${fronted}); /stats, /metrics; config ${configPath}` }];
}

/** What `npm start` runs, in start order (each group healthy before the next starts, see groups). */
export const demoServices = (instances: InstancesConfig, haproxyConfig = HAPROXY_CONFIG): ServiceSpec[] => [
  {
    name: 'shopify-emulator',
    entry: 'emulators/shopify/main.ts',
    port: port('SHOPIFY_EMULATOR_PORT', 8095),
    describe: "Shopify Admin API emulator (seeded as last night's batch left Shopify), control /_emulator",
    // On the first start the ERP snapshot changes every level once; on Plus limits the channel
    // re-sets them in under a minute instead of seven on Standard. SHOPIFY_EMULATOR_PLAN overrides.
    env: { SHOPIFY_EMULATOR_PLAN: process.env.SHOPIFY_EMULATOR_PLAN ?? 'plus' },
  },
  // The ERP's side, not the hub's: what the ERP's scheduler runs in production. Once, whatever STOCKHUB_INSTANCES says.
  {
    name: 'erp-import-job',
    entry: 'connectors/standins/erp-postgres/import-job.ts',
    port: port('ERP_IMPORT_HTTP_PORT', 8096),
    describe: "ERP stand-in's own import job: posts ERPADM.HUBIMP rows to the journal every ERP_IMPORT_INTERVAL_MS (30 s)",
  },
  ...REPLICATED.flatMap((service) => replicas(service, instances.STOCKHUB_INSTANCES)),
  ...loadBalancer(instances, haproxyConfig),
  // The agents and the simulator use the public ports: one process each, or HAProxy.
  ...AGENT_STORES.map((store, i) => ({
    name: `agent-${store}`,
    entry: 'connectors/store-agent/main.ts',
    port: 8101 + i,
    describe: `store agent of ${store}: GET /stock/{sku}, POST /sales (the tills' local API)`,
    env: { AGENT_STORE_ID: store, AGENT_API_TOKEN: `dev-token-api-${store}`, AGENT_PDV_TOKEN: `dev-token-${store}`, AGENT_HTTP_PORT: String(8101 + i) },
  })),
  { name: 'simulator', entry: 'scripts/simulate/main.ts', port: port('SIM_HTTP_PORT', 8099), describe: 'the simulated trading day (SIM_MULTIPLIER x normal volume, SIM_SPEED x real time)', echo: true },
];
/**
 * Groups start one after the other: HAProxy once the instances answer (it counts a server up
 * until its first failed check, so started beside them it would send traffic to none for its
 * first seconds), the store agents once the API does, the simulator once everything does.
 */
export const groups = (services: ServiceSpec[]): ServiceSpec[][] => {
  const later = ['haproxy', 'simulator'];
  return [
    services.filter((s) => !s.name.startsWith('agent-') && !later.includes(s.name)),
    services.filter((s) => s.name === 'haproxy'),
    services.filter((s) => s.name.startsWith('agent-')),
    services.filter((s) => s.name === 'simulator'),
  ].filter((group) => group.length > 0);
};

const say = (line: string): void => void process.stderr.write(`[start] ${line}\n`);

async function main(): Promise<void> {
  const services = demoServices(loadConfig(instancesConfigSchema));
  const supervisor = new Supervisor({ logs: LOGS, say });
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    void supervisor.stopAll().then(() => process.exit(code));
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  try {
    for (const group of groups(services)) {
      for (const spec of group) supervisor.add(spec);
      for (const spec of group) await supervisor.waitHealthy(spec.name, 180_000);
    }
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    stop(1);
    return;
  }
  process.stdout.write('\nstockhub is running:\n');
  for (const spec of services) {
    process.stdout.write(`  ${spec.name.padEnd(16)} http://127.0.0.1:${spec.port}  ${spec.describe}\n${' '.repeat(18)} health /health, metrics /metrics, log .stack/logs/${spec.name}.log\n`);
  }
  process.stdout.write(
    [
      '',
      '  dashboard     http://127.0.0.1:8080/dashboard/#token=dev-token-api-ops  (flow, lag, DLQ, Shopify, stores, SKU trail)',
      '  report        bin/stockhub-reconcile --changed-since 15m  (hub vs ERP, WMS, Shopify, store agents)',
      '  dead letters  bin/stockhub-dlq list',
      '  simulated day progress: .stack/logs/simulator.log (every 10 s)',
      'A service that exits is restarted (1 s, doubling to 30 s while it keeps failing). Ctrl-C stops the services; scripts/stack down stops the stack.',
      '',
    ].join('\n'),
  );
}

// Imported by the fault suite for its Supervisor: only `npm start` runs the demo's services.
if (require.main === module) void main();
