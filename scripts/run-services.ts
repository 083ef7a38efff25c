/**
 * Runs the project's services side by side as child processes (node with the tsx loader), each
 * logging JSON to .stack/logs/<name>.log: the Shopify emulator, the sinks, the hub, its channels,
 * three store agents, and the simulated trading day that drives them. Waits until each /health
 * answers, prints where they listen and where the dashboard is, and stops them all on Ctrl-C
 * (SIGINT) or SIGTERM. Used by `npm start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const LOGS = resolve(ROOT, '.stack/logs');

interface ServiceSpec {
  name: string;
  entry: string;
  port: number;
  describe: string;
  env?: Record<string, string>;
  /** Its plain progress lines (not its JSON log) also go to the terminal. */
  echo?: boolean;
}

const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const AGENT_STORES = ['S001', 'S002', 'S003'];

/** Started in this order (each healthy before the next group starts, see GROUPS). */
const SERVICES: ServiceSpec[] = [
  {
    name: 'shopify-emulator',
    entry: 'emulators/shopify/main.ts',
    port: port('SHOPIFY_EMULATOR_PORT', 8095),
    describe: "Shopify Admin API emulator (seeded as last night's batch left Shopify), control /_emulator",
    // On the first start the ERP snapshot changes every level once; on Plus limits the channel
    // re-sets them in under a minute instead of seven on Standard. SHOPIFY_EMULATOR_PLAN overrides.
    env: { SHOPIFY_EMULATOR_PLAN: process.env.SHOPIFY_EMULATOR_PLAN ?? 'plus' },
  },
  { name: 'sinks', entry: 'sinks/main.ts', port: port('SINK_HTTP_PORT', 8090), describe: 'PDV ingest POST /v1/stores/{storeId}/movements, Shopify POST /webhooks/shopify' },
  { name: 'reconciler', entry: 'hub/reconciler/main.ts', port: port('RECONCILER_HTTP_PORT', 8091), describe: 'stock.movements -> ledger + levels -> stock.levels' },
  { name: 'erp-writeback', entry: 'hub/channels/erp-writeback/main.ts', port: port('WRITEBACK_HTTP_PORT', 8092), describe: "other systems' movements -> ERP interface table ERPADM.HUBIMP" },
  { name: 'shopify-channel', entry: 'hub/channels/shopify/main.ts', port: port('SHOPIFY_CHANNEL_HTTP_PORT', 8093), describe: 'stock.levels -> Shopify inventorySetQuantities (SHOPIFY_CHANNEL_MODE=shadow writes nothing)' },
  { name: 'api', entry: 'hub/api/main.ts', port: port('API_HTTP_PORT', 8080), describe: 'GET /v1/stock/{sku}, POST /v1/stock/query, /v1/reservations, store feeds, ops dashboard /dashboard' },
  ...AGENT_STORES.map((store, i) => ({
    name: `agent-${store}`,
    entry: 'connectors/store-agent/main.ts',
    port: 8101 + i,
    describe: `store agent of ${store}: GET /stock/{sku}, POST /sales (the tills' local API)`,
    env: { AGENT_STORE_ID: store, AGENT_API_TOKEN: `dev-token-api-${store}`, AGENT_PDV_TOKEN: `dev-token-${store}`, AGENT_HTTP_PORT: String(8101 + i) },
  })),
  { name: 'simulator', entry: 'scripts/simulate/main.ts', port: port('SIM_HTTP_PORT', 8099), describe: 'the simulated trading day (SIM_MULTIPLIER x normal volume, SIM_SPEED x real time)', echo: true },
];
/** The store agents need the API, the simulator everything: groups start one after the other. */
const GROUPS = [SERVICES.filter((s) => !s.name.startsWith('agent-') && s.name !== 'simulator'), SERVICES.filter((s) => s.name.startsWith('agent-')), SERVICES.filter((s) => s.name === 'simulator')];

const children = new Map<string, ChildProcess>();
let stopping = false;

function startOne(spec: ServiceSpec): void {
  const log = createWriteStream(resolve(LOGS, `${spec.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], { cwd: ROOT, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  if (spec.echo) {
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.startsWith('[')) process.stdout.write(`${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(spec.name);
    if (!stopping) {
      process.stderr.write(`[start] ${spec.name} exited (${code ?? signal}); see .stack/logs/${spec.name}.log. Stopping the others.\n`);
      void stopAll(1);
    }
  });
  children.set(spec.name, child);
}

async function waitHealthy(spec: ServiceSpec, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = 0;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${spec.port}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - lastReport > 10_000) {
      process.stderr.write(`[start] waiting for ${spec.name} ...\n`);
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${spec.name} not healthy after ${timeoutMs / 1000} s; see .stack/logs/${spec.name}.log`);
}

async function stopAll(code: number): Promise<void> {
  stopping = true;
  const exits = [...children.values()].map((child) => new Promise((r) => child.once('exit', r)));
  for (const child of children.values()) child.kill('SIGTERM');
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(code);
}

async function main(): Promise<void> {
  mkdirSync(LOGS, { recursive: true });
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  for (const group of GROUPS) {
    for (const spec of group) startOne(spec);
    for (const spec of group) await waitHealthy(spec, 180_000);
  }
  process.stdout.write('\nstockhub is running:\n');
  for (const spec of SERVICES) {
    process.stdout.write(`  ${spec.name.padEnd(16)} http://127.0.0.1:${spec.port}  ${spec.describe}\n${' '.repeat(18)} health /health, metrics /metrics, log .stack/logs/${spec.name}.log\n`);
  }
  process.stdout.write(
    [
      '',
      '  dashboard     http://127.0.0.1:8080/dashboard/#token=dev-token-api-ops  (flow, lag, DLQ, Shopify, stores, SKU trail)',
      '  report        bin/stockhub-reconcile --changed-since 15m  (hub vs ERP, WMS, Shopify, store agents)',
      '  dead letters  bin/stockhub-dlq list',
      '  simulated day progress: .stack/logs/simulator.log (every 10 s)',
      'Ctrl-C stops the services; scripts/stack down stops the stack.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[start] ${error instanceof Error ? error.message : String(error)}\n`);
  void stopAll(1);
});
