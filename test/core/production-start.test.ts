/**
 * A deployment that forgot a setting: each service, started as production starts it (no
 * STOCKHUB_ENV, nothing of config/stack.env), stops at once with one message naming every
 * missing key, instead of reaching for 127.0.0.1 with a development password.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function start(entry: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

const SERVICES: Array<[string, string[]]> = [
  ['sinks/main.ts', ['KAFKA_BROKERS', 'REDIS_URL', 'SHOPIFY_CONFIG_FILE', 'STORE_TOKENS_FILE']],
  ['hub/reconciler/main.ts', ['KAFKA_BROKERS', 'REDIS_URL', 'HUB_PG_URL']],
  ['hub/api/main.ts', ['KAFKA_BROKERS', 'REDIS_URL', 'HUB_PG_URL', 'API_TOKENS_FILE']],
  ['hub/channels/shopify/main.ts', ['KAFKA_BROKERS', 'REDIS_URL', 'HUB_PG_URL', 'SHOPIFY_CONFIG_FILE']],
  ['hub/channels/erp-writeback/main.ts', ['KAFKA_BROKERS', 'ERP_PG_HOST', 'ERP_PG_PORT', 'ERP_PG_DATABASE', 'ERP_PG_USER', 'ERP_PG_PASSWORD']],
  ['connectors/store-agent/main.ts', ['AGENT_STORE_ID', 'AGENT_API_TOKEN', 'AGENT_PDV_TOKEN', 'AGENT_HUB_URL', 'AGENT_INGEST_URL']],
];

describe('a production start without its settings', () => {
  it.each(SERVICES)('%s exits 1 naming every missing key in one message', async (entry, keys) => {
    const { code, output } = await start(entry);
    expect(code).toBe(1);
    const message = /"message":"(invalid configuration: [^"]*)"/.exec(output)?.[1];
    expect(message).toBe(`invalid configuration: missing ${keys.join(', ')} (on a development machine, STOCKHUB_ENV=development takes the repo's development values)`);
  }, 40_000);
});
