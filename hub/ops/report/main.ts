/**
 * stockhub-reconcile: compares the hub's levels with the ERP, the WMS, Shopify and the store
 * agents, lists the drift, and with --fix corrects the hub through the normal pipeline (ERP, WMS,
 * Shopify) or repairs the store agents from the hub (agents: the hub wins). Usage and exit
 * statuses: HELP in ./options.ts (stockhub-reconcile --help).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import pino from 'pino';
import { loadConfig } from '../../../core/config';
import { connectProducer, createKafka } from '../../../core/kafka';
import { TOPICS } from '../../../core/topics';
import { createPool } from '../../db';
import { systemClock } from './clock';
import { EXIT, exitStatus } from './compare';
import { runAgentFix } from './agent-fix-run';
import { AgentsView } from './agents-view';
import { reportConfigSchema } from './config';
import { runFix } from './fix-run';
import { formatReport, formatSummary, type FixOutcome, type Report } from './format';
import { HubLevels } from './hub-levels';
import { HELP, parseOptions, parseSkuFile, UsageError, type Options } from './options';
import { Progress } from './progress';
import { runReport } from './run';
import { readParkedLevels } from './shopify-parked';
import { createViews } from './views';

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stderr.isTTY);

function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]|\.\d+/g, '')}-${randomBytes(3).toString('hex')}`;
}

function operator(): string {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function ask(signal: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C at the prompt is a "no", not a prompt left hanging.
  const declined = new Promise<string>((resolve) =>
    rl.once('SIGINT', () => {
      process.stderr.write('\n');
      resolve('');
    }),
  );
  try {
    return /^y(es)?$/i.test((await Promise.race([rl.question('send? [y/N] ', { signal }), declined])).trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

function explicitSkus(options: Options): string[] | null {
  if (options.skus === null && options.skusFrom === null) return null;
  let fromFile: string[] = [];
  if (options.skusFrom !== null) {
    try {
      fromFile = parseSkuFile(readFileSync(options.skusFrom, 'utf8'));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError('--skus-from', `cannot read ${options.skusFrom} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return [...new Set([...(options.skus ?? []), ...fromFile])];
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(HELP);
    return EXIT.inSync;
  }
  if (options.fix && !options.yes && !interactive()) {
    throw new UsageError('--yes', '--fix asks for confirmation on a terminal, and this is not one: pass --yes to send without asking');
  }
  const skus = explicitSkus(options);
  const config = loadConfig(reportConfigSchema);
  // Logs (kafkajs, the Shopify library) go to stderr: stdout carries only the report.
  const logger = pino({ name: 'stockhub-reconcile', level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination({ dest: 2, sync: true }));
  const views = createViews(options.systems, config, options.erpDriver ?? config.STOCKHUB_ERP_DRIVER, logger);
  const pool = createPool(config.HUB_PG_URL, logger, 4);
  const hub = new HubLevels(pool);

  const controller = new AbortController();
  const progress = new Progress(process.stderr, options.progress || process.stderr.isTTY ? 'bar' : 'lines', systemClock);
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    progress.message('interrupted: finishing what is in flight, then a partial report (Ctrl-C again to quit at once)');
    controller.abort(new Error('interrupted'));
  });

  const startedAt = new Date();
  try {
    const runId = options.runId ?? newRunId(startedAt);
    const selected = await hub.skus({ skus, changedSince: options.changedSince, locations: options.locations, limit: options.limit });
    const result = await runReport({ hub, views, skus: selected, locations: options.locations, progress, clock: systemClock, signal: controller.signal });

    let fixes: FixOutcome[] | null = null;
    let fixFailed = false;
    const fixSystem = options.fixSystem;
    if (options.fix && fixSystem !== null) {
      const fixView = views.find((v) => v.system === fixSystem)!;
      if (!result.summary.complete) say('--fix: not run, the report was interrupted');
      else if (result.summary.failures.some((f) => f.system === fixSystem)) say(`--fix: not run, ${fixSystem} could not be read in full`);
      else {
        const actor = `ops:${operator()}`;
        const confirm = async (preview: string) => {
          say(preview);
          return options.yes || ask(controller.signal);
        };
        const common = { rows: result.rows, hub, confirm, say, clock: systemClock, signal: controller.signal };
        try {
          // The store agents are repaired from the hub; every other system is trusted for a count into it.
          fixes =
            fixView instanceof AgentsView
              ? await runAgentFix({ ...common, view: fixView, runId, actor })
              : await runFix({
                  ...common,
                  system: fixSystem,
                  view: fixView,
                  context: { runId, actor, now: new Date() },
                  topic: TOPICS.movements,
                  connect: () => connectProducer(createKafka({ clientId: 'stockhub-reconcile', brokers: config.KAFKA_BROKERS, logger })),
                });
        } catch (error) {
          fixFailed = true;
          result.summary.failures.push({ system: fixSystem, location: null, message: `--fix: ${error instanceof Error ? error.message : String(error)}` });
        }
      }
    }

    // Drift on a parked level lasts until someone retries it: the report says which these are.
    const parked = options.systems.includes('shopify') ? await readParkedLevels(pool, config.SHOPIFY_CHANNEL_GROUP, selected, result.rows) : undefined;
    const report: Report = { runId, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), systems: options.systems, rows: result.rows, summary: result.summary, fixes, ...(parked && { parked }) };
    process.stdout.write(formatReport(report, options.format));
    if (options.format === 'csv') process.stderr.write(formatSummary(report));
    const resolved = new Set((fixes ?? []).filter((f) => f.resolved).map((f) => `${f.system}|${f.sku}@${f.location}`));
    const remaining = result.rows.filter((r) => !resolved.has(`${r.system}|${r.sku}@${r.location}`)).length;
    // --skip-unreachable forgives a system that could not be read, not a fix that failed.
    return fixFailed ? EXIT.error : exitStatus(result.summary, remaining, options.skipUnreachable);
  } finally {
    await Promise.allSettled([...views.map((v) => v.close()), pool.end()]);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    say(`stockhub-reconcile: ${message}${error instanceof UsageError ? ' (see --help)' : ''}`);
    process.exit(EXIT.error);
  },
);
