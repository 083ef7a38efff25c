/**
 * Benchmark: the stock query API (GET /v1/stock/{sku}, random SKUs), beside the bare limit
 * measured in the same run (express + ioredis, one HGETALL per request), and again with Redis
 * stopped (every answer from PostgreSQL).
 *
 *   npx tsx scripts/bench/api-query.ts      (stack up and levels in the hub's database first;
 *                                            BENCH_SECONDS=15 BENCH_CONNECTIONS=16 BENCH_SKUS=5000)
 *
 * The API and the bare server each run as their own process against a Redis of the benchmark's
 * own (so it can be stopped); wrk (Debian's, installed here if missing) drives them with one
 * thread. On this 2-core machine load generator, server and Redis share the cores.
 */
import '../development-env';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { loadConfig } from '../../core/config';
import { hubDbConfigSchema } from '../../hub/config';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SKU_COUNT = Number(process.env.BENCH_SKUS ?? 5_000);
const REDIS_PORT = 16391;
const ROOT = resolve(__dirname, '../..');
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  total: number;
}

function start(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} never answered`);
}

/** wrk prints latencies as 812.00us, 1.52ms or 1.01s. */
function toMs(value: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec((value ?? '').trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * (match[2] === 'us' ? 0.001 : match[2] === 's' ? 1000 : 1);
}

/** One wrk run over random SKUs; wrk's Lua picks a SKU per request. */
function load(base: string, skus: string[], token: string | null, seconds = SECONDS): Run {
  const script = join(mkdtempSync(join(tmpdir(), 'bench-')), 'random-sku.lua');
  const headers = token ? `Authorization = "Bearer ${token}"` : '';
  writeFileSync(
    script,
    [
      `local skus = {${skus.map((s) => JSON.stringify(s)).join(',')}}`,
      `local headers = {${headers}}`,
      'request = function() return wrk.format("GET", "/v1/stock/" .. skus[math.random(#skus)], headers) end',
      '',
    ].join('\n'),
  );
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', script, base], { encoding: 'utf8' });
  const percentile = (p: number) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1]);
  const socketErrors = (/Socket errors: (.*)/.exec(out)?.[1]?.match(/\d+/g) ?? []).reduce((sum, n) => sum + Number(n), 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50: percentile(50),
    p99: percentile(99),
    errors: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + socketErrors,
    total: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
  };
}

function ensureWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk --version exits 1 after printing; only a missing binary needs installing.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
    log('installing wrk (Debian package) ...');
    execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit' });
  }
}

async function main(): Promise<void> {
  ensureWrk();
  const pool = new Pool({ connectionString: loadConfig(hubDbConfigSchema).HUB_PG_URL });
  const skus = (await pool.query<{ sku: string }>('SELECT DISTINCT sku FROM stock_levels ORDER BY sku LIMIT $1', [SKU_COUNT])).rows.map((r) => r.sku);
  await pool.end();
  if (skus.length < 100) throw new Error('too few levels in the hub database: run npm start (or the reconciler) first');
  log(`${skus.length} SKUs, ${CONNECTIONS} connections, ${SECONDS} s per run`);

  const redis = spawn('redis-server', ['--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const redisUrl = `redis://127.0.0.1:${REDIS_PORT}`;
  const api = start('hub/api/main.ts', { API_HTTP_PORT: '18180', REDIS_URL: redisUrl, API_REFILL_CACHE: 'false' });
  const bare = start('scripts/bench/bare-redis-server.ts', { BARE_PORT: '18190', REDIS_URL: redisUrl });
  try {
    await waitFor('http://127.0.0.1:18180/health');
    await waitFor('http://127.0.0.1:18190/health');
    log('warming the cache (read-through of the SKUs) ...');
    load('http://127.0.0.1:18180', skus, 'dev-token-api-ops', 5);
    log('bare express + ioredis ...');
    const bareRun = load('http://127.0.0.1:18190', skus, null);
    log('API, Redis up ...');
    const apiRun = load('http://127.0.0.1:18180', skus, 'dev-token-api-ops');
    log('API, Redis stopped ...');
    redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const downRun = load('http://127.0.0.1:18180', skus, 'dev-token-api-ops');
    const row = (name: string, r: Run) =>
      `| ${name} | ${Math.round(r.rps).toLocaleString('en')} req/s | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.errors} of ${r.total.toLocaleString('en')} |`;
    process.stdout.write(
      [
        '',
        `| run (${CONNECTIONS} connections, ${SECONDS} s, ${skus.length} SKUs) | throughput | p50 | p99 | errors |`,
        '| --- | --- | --- | --- | --- |',
        row('bare express + ioredis HGETALL (limit)', bareRun),
        row('API GET /v1/stock/{sku}, Redis up', apiRun),
        row('API GET /v1/stock/{sku}, Redis stopped (PostgreSQL)', downRun),
        '',
      ].join('\n'),
    );
  } finally {
    api.kill('SIGTERM');
    bare.kill('SIGTERM');
    redis.kill('SIGKILL');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${String(error)}\n`);
    process.exit(1);
  },
);
