/**
 * stockhub-shopify-parked: the levels the Shopify channel parked after Shopify kept refusing
 * them (SHOPIFY_ROW_MAX_ATTEMPTS), and retrying them once the cause is fixed.
 *
 *   stockhub-shopify-parked list [--sku S]... [--json]    parked levels, newest first, with why
 *   stockhub-shopify-parked retry --sku S... | --all      un-park: attempts 0, due now
 *
 * The channel is SHOPIFY_CHANNEL_GROUP (as for the channel itself). A retried level that Shopify
 * still refuses is parked again after the same number of attempts. Exit status: 0 done (list:
 * also when nothing is parked), 2 usage or connection error.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../../../core/config';
import { createLogger } from '../../../../core/logging';
import { hubDbConfigSchema } from '../../../config';
import { createPool } from '../../../db';
import { PushStore, type ParkedRow } from '../push-store';

const USAGE = 'usage: stockhub-shopify-parked list [--sku S]... [--json] | retry (--sku S... | --all)';

const cliConfigSchema = hubDbConfigSchema.extend({
  /** The channel whose rows these are (its consumer group). Default stockhub-shopify-channel. */
  SHOPIFY_CHANNEL_GROUP: z.string().min(1).default('stockhub-shopify-channel'),
});

export function formatParked(rows: readonly ParkedRow[]): string {
  const header = ['sku', 'location', 'wanted', 'attempts', 'parked at', 'reason'];
  const cells = rows.map((r) => [r.sku, r.locationId, String(r.wanted), String(r.attempts), r.parkedAt.toISOString().slice(0, 19), r.reason ?? '']);
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...cells.map((c) => c[i]!.length))));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.slice(0, widths[i]).padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line), `${rows.length} parked level(s)`].map((l) => `${l}\n`).join('');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { sku: { type: 'string', multiple: true }, all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const [command, ...rest] = positionals;
  const skus = values.sku ?? null;
  const usable = rest.length === 0 && (command === 'list' ? !values.all : command === 'retry' && (skus !== null) !== values.all);
  if (!usable) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(cliConfigSchema);
  const pool = createPool(config.HUB_PG_URL, createLogger('stockhub-shopify-parked', process.env.LOG_LEVEL ?? 'warn'), 1);
  const store = new PushStore(pool, config.SHOPIFY_CHANNEL_GROUP);
  try {
    if (command === 'list') {
      const rows = await store.parked({ skus });
      process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : formatParked(rows));
      return 0;
    }
    const retried = await store.unpark(skus);
    for (const row of retried) process.stdout.write(`${row.sku}\t${row.locationId}\n`);
    process.stderr.write(`${retried.length} level(s) due again; the channel pushes them within a second\n`);
    return 0;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`stockhub-shopify-parked: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
