import { parseArgs } from 'node:util';
import { z } from 'zod';
import { StockHubError } from '../../../core/errors';
import type { Format } from './format';
import { SYSTEMS, type SystemName } from './system-view';

export const HELP = `usage: stockhub-reconcile [options]

Compares the hub's stock levels with each system's own view and lists every drift
(system, sku, location, hub value, system value, difference = system - hub), with a summary
of drift by system and location. Reads only; --fix corrects the hub with COUNTs through Kafka
(erp, wms, shopify), or repairs the store agents' copies from the hub (agents).

  --system <list>        systems to compare, comma-separated: erp,wms,shopify,agents (default all)
                           erp      ERPADM.STKBAL QTYOH vs hub on-hand, every branch
                           wms      inv_inventory (summed per SKU and location, as config/mappings/wms.json
                                    maps it) vs hub on-hand at the DC
                           shopify  Admin GraphQL "available" vs hub available (on-hand - reserved - safety
                                    stock), at the locations config/shopify.json maps
                           agents   each store agent's GET /stock/{sku} onHand vs hub on-hand
                                    (agents in config/store-agents.json, or STOCKHUB_AGENTS_FILE)
  --sku <sku>            a SKU to compare (repeatable, or comma-separated); without --sku or
                           --skus-from, every SKU the hub holds a level for
  --skus-from <file>     SKUs to compare, one per line (# comments allowed)
  --location <id>        only this hub location (repeatable, or comma-separated)
  --changed-since <when> only SKUs whose hub level changed since: ISO time, or 90s, 15m, 2h, 1d ago
  --limit <n>            compare at most n SKUs (the first n, by SKU unless named)
  --format <f>           table (default), csv (drift rows only; summary on stderr) or json (one document)
  --progress             draw the progress bar on stderr even when it is not a terminal
  --skip-unreachable     a system or store agent that cannot be read is reported, not fatal (no exit 2)
  --erp-driver <d>       postgres (the stand-in, default) or oracle (production, oracledb thin mode;
                           ERP_ORACLE_CONNECT_STRING, ERP_ORACLE_USER, ERP_ORACLE_PASSWORD);
                           default STOCKHUB_ERP_DRIVER
  --fix                  correct the drifts of --fix-system, then compare those again:
                           erp, wms, shopify: send corrective COUNT movements to stock.movements,
                             trusting that system's numbers, so the reconciler applies and audits
                             them; wait up to 10 s for the reconciler
                           agents: repair each affected store agent from the hub (the hub wins):
                             POST /resync on the agent re-reads the hub's levels of the drifted
                             SKUs into its local copy, keeping its queued till sales; nothing is
                             sent to the hub
  --fix-system <s>       required with --fix: erp, wms or shopify, the system whose numbers the hub
                           takes; or agents, the store agents to repair from the hub
  --yes                  fix without asking (without it, --fix asks on a terminal and refuses otherwise)
  --run-id <id>          the run id the fix's event ids derive from; reuse it to retry a fix idempotently
                           (agents: only a label, a repair from the hub can be repeated at will)
  -h, --help             this text

Shopify is read 12 SKUs per query (under its 1,000-point single-query cost), paced by its cost
bucket: at Standard plan limits (100 points/s) that is about 8 s per query, hours for the full
catalogue (progress shows an ETA). Bulk operations are out of scope.

Exit status: 0 in sync (after --fix: every drift gone on a fresh comparison); 1 drift found
(after --fix: drift left); 2 bad arguments or a system unreachable (unless --skip-unreachable);
130 interrupted (Ctrl-C: partial report).
`;

/** Bad arguments: the message names the option. Exit 2. */
export class UsageError extends StockHubError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}

export interface Options {
  systems: SystemName[];
  skus: string[] | null;
  skusFrom: string | null;
  locations: string[] | null;
  changedSince: Date | null;
  limit: number | null;
  format: Format;
  progress: boolean;
  skipUnreachable: boolean;
  erpDriver: 'postgres' | 'oracle' | null;
  fix: boolean;
  fixSystem: SystemName | null;
  yes: boolean;
  runId: string | null;
  help: boolean;
}

const ARGS = {
  system: { type: 'string', multiple: true },
  sku: { type: 'string', multiple: true },
  'skus-from': { type: 'string' },
  location: { type: 'string', multiple: true },
  'changed-since': { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
  progress: { type: 'boolean' },
  'skip-unreachable': { type: 'boolean' },
  'erp-driver': { type: 'string' },
  fix: { type: 'boolean' },
  'fix-system': { type: 'string' },
  yes: { type: 'boolean' },
  'run-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const list = (values: string[] | undefined): string[] | undefined => {
  const items = values?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return items === undefined ? undefined : [...new Set(items)];
};

const RELATIVE = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "15m" -> 15 minutes before now; an ISO date or time as it is. */
export function parseSince(value: string, now: Date): Date | null {
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** An enum whose error says what would do: "'foo' is not one of erp, wms, shopify, agents". */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_enum_value' ? `'${String(issue.received)}' is not one of ${values.join(', ')}` : ctx.defaultError }),
  });

function schemaAt(now: Date) {
  return z
    .object({
      system: z.array(oneOf(SYSTEMS)).min(1, 'name at least one system').default([...SYSTEMS]),
      sku: z.array(z.string().min(1).max(64)).optional(),
      'skus-from': z.string().min(1).optional(),
      location: z.array(z.string().min(1).max(32)).optional(),
      'changed-since': z
        .string()
        .transform((value, ctx) => parseSince(value, now) ?? (ctx.addIssue({ code: 'custom', message: `'${value}' is neither an ISO time nor a duration like 15m or 2h` }), z.NEVER))
        .optional(),
      limit: z
        .string()
        .regex(/^[1-9]\d*$/, 'a whole number above 0')
        .transform(Number)
        .optional(),
      format: oneOf(['table', 'csv', 'json']).default('table'),
      progress: z.boolean().default(false),
      'skip-unreachable': z.boolean().default(false),
      'erp-driver': oneOf(['postgres', 'oracle']).optional(),
      fix: z.boolean().default(false),
      'fix-system': oneOf(SYSTEMS).optional(),
      yes: z.boolean().default(false),
      'run-id': z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - only, at most 64').optional(),
      help: z.boolean().default(false),
    })
    .superRefine((o, ctx) => {
      const issue = (option: string, message: string) => ctx.addIssue({ code: 'custom', path: [option], message });
      if (o.fix && o['fix-system'] === undefined) issue('fix-system', 'required with --fix: name the system whose numbers are trusted, or agents to repair them from the hub');
      if (!o.fix && o['fix-system'] !== undefined) issue('fix-system', 'only with --fix');
      if (!o.fix && o.yes) issue('yes', 'only with --fix');
      if (!o.fix && o['run-id'] !== undefined) issue('run-id', 'only with --fix');
      if (o['fix-system'] !== undefined && !o.system.includes(o['fix-system'])) issue('fix-system', `'${o['fix-system']}' is not among the systems compared (--system ${o.system.join(',')})`);
    });
}

/** argv (without node and the script) -> options; throws UsageError naming the option. */
export function parseOptions(argv: readonly string[], now: Date = new Date()): Options {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: ARGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw usageOf(error);
  }
  const raw = { ...values, system: list(values.system), sku: list(values.sku), location: list(values.location) };
  const parsed = schemaAt(now).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0] ?? 'system')}`, issue.message);
  }
  const o = parsed.data;
  return {
    systems: SYSTEMS.filter((s) => o.system.includes(s)),
    skus: o.sku ?? null,
    skusFrom: o['skus-from'] ?? null,
    locations: o.location ?? null,
    changedSince: o['changed-since'] ?? null,
    limit: o.limit ?? null,
    format: o.format,
    progress: o.progress,
    skipUnreachable: o['skip-unreachable'],
    erpDriver: o['erp-driver'] ?? null,
    fix: o.fix,
    fixSystem: o['fix-system'] ?? null,
    yes: o.yes,
    runId: o['run-id'] ?? null,
    help: o.help,
  };
}

/** node:util's messages, shortened to the option they are about. */
function usageOf(error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'arguments';
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(option, 'unknown option');
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError('arguments', `unexpected argument '${/'([^']*)'/.exec(message)?.[1] ?? ''}': options only`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return new UsageError(option, /argument missing/.test(message) ? 'needs a value' : message);
  return new UsageError(option, message);
}

/** SKUs of a --skus-from file: one per line, blank lines and # comments skipped. */
export function parseSkuFile(text: string): string[] {
  const skus = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  const tooLong = skus.find((sku) => sku.length > 64);
  if (tooLong !== undefined) throw new UsageError('--skus-from', `'${tooLong.slice(0, 20)}…' is longer than a SKU can be (64)`);
  return [...new Set(skus)];
}
