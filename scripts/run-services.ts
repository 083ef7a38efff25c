/**
 * Runs the project's services side by side as child processes (node with the tsx loader), each
 * logging JSON to .stack/logs/<name>.log, waits until each /health answers, prints where they
 * listen, and stops them all on Ctrl-C (SIGINT) or SIGTERM. Used by `npm start`.
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
}

const SERVICES: ServiceSpec[] = [
  { name: 'sinks', entry: 'sinks/main.ts', port: Number(process.env.SINK_HTTP_PORT ?? 8090), describe: 'PDV ingest POST /v1/stores/{storeId}/movements, Shopify POST /webhooks/shopify' },
  { name: 'reconciler', entry: 'hub/reconciler/main.ts', port: Number(process.env.RECONCILER_HTTP_PORT ?? 8091), describe: 'stock.movements -> ledger + levels -> stock.levels' },
  { name: 'erp-writeback', entry: 'hub/channels/erp-writeback/main.ts', port: Number(process.env.WRITEBACK_HTTP_PORT ?? 8092), describe: 'other systems\' movements -> ERP interface table ERPADM.HUBIMP' },
  { name: 'api', entry: 'hub/api/main.ts', port: Number(process.env.API_HTTP_PORT ?? 8080), describe: 'GET /v1/stock/{sku}, POST /v1/stock/query, /v1/reservations (tokens: config/api-tokens.json)' },
];

const children = new Map<string, ChildProcess>();
let stopping = false;

function startOne(spec: ServiceSpec): void {
  const log = createWriteStream(resolve(LOGS, `${spec.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
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
  for (const spec of SERVICES) startOne(spec);
  for (const spec of SERVICES) await waitHealthy(spec, 180_000);
  process.stdout.write('\nstockhub is running:\n');
  for (const spec of SERVICES) {
    process.stdout.write(`  ${spec.name.padEnd(13)} http://127.0.0.1:${spec.port}  ${spec.describe}\n${' '.repeat(15)} health /health, metrics /metrics, log .stack/logs/${spec.name}.log\n`);
  }
  process.stdout.write('  dead letters bin/stockhub-dlq list\nCtrl-C stops the services; scripts/stack down stops the stack.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`[start] ${error instanceof Error ? error.message : String(error)}\n`);
  void stopAll(1);
});
