/**
 * Benchmark: Shopify back after a 2-hour outage at peak. Target: zero drift within 60 s, with the
 * calls made to catch up counted.
 *
 *   npx tsx scripts/bench/shopify-outage.ts   (stack up first; --skus 10000 --movements 417000 --orders 50 --plan standard [--keep])
 *
 * Load: a peak day is 2.5 M movements over a 12-hour trading day; 2 hours of it is ~417,000. The
 * benchmark stocks --skus synthetic SKUs (BOUT-<run>-00000...) at the 21 Shopify locations (DC01,
 * S001..S020) with opening counts, waits until Shopify shows them (initial sync on --sync-plan,
 * default plus), switches to the plan under test, takes Shopify offline, produces the outage's
 * till sales straight to stock.movements (the PDV ingest's canonical events, in bulk; the
 * reconciler applies ~5,800/s, so 2 hours compress into about two minutes) while web orders are
 * placed in Shopify (their webhooks lost), waits until the hub has applied everything and the
 * channel has queued it, then brings Shopify back and measures the time to zero drift over every
 * level of the run, the calls made (emulator /stats, reset at that moment), and that every lost
 * order was read back and sold once in the hub.
 *
 * The bare limit beside it: Shopify's cost bucket on the plan, i.e. the shortest time in which
 * the necessary calls (one 250-quantity inventorySetQuantities of 10 points per 250 changed
 * levels, the order read-back pages of 542 points) fit in the bucket at its restore rate.
 *
 * The channel runs with its production settings; --circuit-max-open-ms sets
 * SHOPIFY_CIRCUIT_MAX_OPEN_MS (the channel's default, 5,000, probes at least every 5 s).
 */
import '../development-env';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Pool } from 'pg';
import { connectProducer } from '../../core/kafka';
import { TOPICS } from '../../core/topics';
import { flag, int, log, numberOption, option, random, sleep, table } from './support/cli';
import { isPlan, PLANS, type EmulatorControl, type Plan } from './support/emulator';
import { behind, countMovement, endOffsets, hubLevels, key, LOCATIONS, produceMovements, saleMovement, STORES } from './support/hub';
import { startBenchStack, type BenchStack } from './support/stack';

const SKUS = numberOption('skus', 10_000);
const MOVEMENTS = numberOption('movements', Math.round((2_500_000 / 12) * 2));
const ORDERS = numberOption('orders', 50);
const PLAN = option('plan', 'standard');
const SYNC_PLAN = option('sync-plan', 'plus');
const TIMEOUT_S = numberOption('timeout', 600);
const SEED = numberOption('seed', Math.floor(Math.random() * 1e9));
const CIRCUIT = option('circuit-max-open-ms', '');
const PORTS = { emulator: 18410, sinks: 18411, reconciler: 18412, channel: 18413 };
const run = randomUUID().slice(0, 8);
const skus = Array.from({ length: SKUS }, (_, i) => `BOUT-${run}-${String(i).padStart(5, '0')}`);
const seconds = (fromMs: number): string => ((Date.now() - fromMs) / 1000).toFixed(1);

/** Levels of the run where the hub and Shopify differ, or the hub has none yet. */
async function drift(pool: Pool, emulator: EmulatorControl): Promise<{ differ: number; sample: string[] }> {
  const [hub, shopify] = await Promise.all([hubLevels(pool, skus), emulator.exportLevels()]);
  const sample: string[] = [];
  let differ = 0;
  for (const sku of skus) {
    for (const location of LOCATIONS) {
      const k = key(sku, location);
      if (hub.get(k) !== undefined && hub.get(k) === shopify.get(k)) continue;
      differ++;
      if (sample.length < 5) sample.push(`${k}: hub ${hub.get(k)}, Shopify ${shopify.get(k)}`);
    }
  }
  return { differ, sample };
}

async function until(what: string, timeoutMs: number, probe: () => Promise<string | null>, everyMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await probe();
    if (pending === null) return;
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs / 1000} s (${pending})`);
    log(`${what}: ${pending}`);
    await sleep(everyMs);
  }
}

/** Opening stock at every location, then Shopify in step with the hub. */
async function openingStock(bench: BenchStack, rnd: () => number): Promise<void> {
  await bench.emulator.addItems(skus.map((sku) => ({ sku })));
  await bench.emulator.setWebhooks(false); // setup only: the sync's 210,000 echoes would just be dropped
  await bench.emulator.setPlan(SYNC_PLAN as Plan);
  log(`${int(SKUS)} SKUs in the emulator; opening counts for ${int(SKUS * LOCATIONS.length)} levels (initial sync on plan ${SYNC_PLAN})`);
  const producer = await connectProducer(bench.kafka);
  const counts = skus.flatMap((sku) => LOCATIONS.map((location) => countMovement(run, sku, location, 5 + Math.floor(rnd() * 116))));
  await produceMovements(producer, counts);
  await producer.disconnect();
  const started = Date.now();
  await until('initial sync', TIMEOUT_S * 1000, async () => {
    const { differ } = await drift(bench.pool, bench.emulator);
    return differ === 0 ? null : `${int(differ)} levels differ after ${seconds(started)} s`;
  });
  log(`initial sync done in ${seconds(started)} s`);
}

interface OrderLine {
  order: string;
  sku: string;
  quantity: number;
}

/** The outage: till sales produced in bulk, web orders placed in Shopify in between (webhooks lost). */
async function outage(bench: BenchStack, rnd: () => number): Promise<{ changed: Set<string>; lines: OrderLine[]; producedIn: number; appliedIn: number }> {
  const producer = await connectProducer(bench.kafka);
  const changed = new Set<string>();
  const lines: OrderLine[] = [];
  const started = Date.now();
  const CHUNK = 20_000;
  for (let start = 0; start < MOVEMENTS; start += CHUNK) {
    const sales = Array.from({ length: Math.min(CHUNK, MOVEMENTS - start) }, (_, i) => {
      const sku = skus[Math.floor(rnd() * SKUS)]!;
      const store = STORES[Math.floor(rnd() * STORES.length)]!;
      changed.add(key(sku, store));
      return saleMovement(run, start + i, sku, store, rnd() < 0.9 ? 1 : 2);
    });
    await produceMovements(producer, sales);
    const ordersDue = Math.round((ORDERS * Math.min(MOVEMENTS, start + CHUNK)) / MOVEMENTS);
    while (new Set(lines.map((l) => l.order)).size < ordersDue) {
      const picked = Array.from({ length: rnd() < 0.7 ? 1 : 2 }, () => ({ sku: skus[Math.floor(rnd() * SKUS)]!, quantity: 1 + Math.floor(rnd() * 3) }));
      const wanted = [...new Map(picked.map((l) => [l.sku, l])).values()];
      const order = await bench.emulator.order(wanted);
      for (const line of wanted) lines.push({ order: order.name, ...line });
    }
    log(`outage: ${int(Math.min(MOVEMENTS, start + CHUNK))}/${int(MOVEMENTS)} sales produced, ${new Set(lines.map((l) => l.order)).size} orders placed (${seconds(started)} s)`);
  }
  await producer.disconnect();
  const producedIn = (Date.now() - started) / 1000;
  const ends = await endOffsets(bench.kafka, TOPICS.movements);
  await until('hub applying the outage', TIMEOUT_S * 1000, async () => {
    const left = await behind(bench.kafka, TOPICS.movements, { pool: bench.pool, id: bench.reconcilerGroup }, ends);
    return left === 0 ? null : `reconciler ${int(left)} behind (${seconds(started)} s)`;
  });
  const appliedIn = (Date.now() - started) / 1000;
  await until('channel queueing the levels', TIMEOUT_S * 1000, async () => {
    const outbox = Number((await bench.pool.query<{ n: string }>('SELECT count(*) AS n FROM level_outbox')).rows[0]!.n);
    const left = outbox > 0 ? outbox : await behind(bench.kafka, bench.levelsTopic, { kafka: bench.channelGroup });
    return left === 0 ? null : `${int(left)} levels not yet in the channel's queue`;
  });
  return { changed, lines, producedIn, appliedIn };
}

/** Shopify back: time to zero drift; the first and last quantity Shopify applied, from its change log. */
async function recovery(bench: BenchStack): Promise<{ convergedMs: number | null; firstChangeMs: number | null; lastChangeMs: number | null; changes: number; checks: number }> {
  const since = await bench.emulator.lastSeq();
  await bench.emulator.resetStats();
  const back = Date.now();
  await bench.emulator.setOffline(false);
  log('Shopify is back');
  const seen = { first: null as number | null, last: null as number | null, count: 0 };
  const follower = bench.emulator.followChanges(
    since,
    (change) => {
      seen.first ??= change.at - back;
      seen.last = change.at - back;
      seen.count++;
    },
    200,
  );
  let convergedMs: number | null = null;
  let checks = 0;
  while (Date.now() - back < TIMEOUT_S * 1000) {
    const { differ, sample } = await drift(bench.pool, bench.emulator);
    checks++;
    if (differ === 0) {
      convergedMs = Date.now() - back;
      break;
    }
    const stats = await bench.emulator.stats();
    log(`${seconds(back)} s: ${int(differ)} levels differ (e.g. ${sample[0]}); calls ${int(stats.requests)}, quantities set ${int(stats.quantitiesSet)}, throttled ${stats.throttled}`);
    await sleep(500);
  }
  await follower.stop();
  return { convergedMs, firstChangeMs: seen.first, lastChangeMs: seen.last, changes: seen.count, checks };
}

/** Each lost order's lines as SALE rows from SHOPIFY in the ledger: [read back once, missing, duplicated or wrong]. */
async function ordersReadBack(pool: Pool, lines: OrderLine[]): Promise<[number, number]> {
  const { rows } = await pool.query<{ source_document: string; sku: string; quantity: string }>(
    "SELECT source_document, sku, quantity FROM ledger WHERE source_system = 'SHOPIFY' AND type = 'SALE' AND sku = ANY($1::text[])",
    [[...new Set(lines.map((l) => l.sku))]],
  );
  let once = 0;
  for (const line of lines) {
    const found = rows.filter((r) => r.source_document === line.order && r.sku === line.sku);
    if (found.length === 1 && Number(found[0]!.quantity) === -line.quantity) once++;
  }
  return [once, lines.length - once + Math.max(0, rows.length - lines.length)];
}

async function main(): Promise<void> {
  if (!isPlan(PLAN) || !isPlan(SYNC_PLAN)) throw new Error('--plan and --sync-plan: one of standard, advanced, plus');
  const rnd = random(SEED);
  log(`run ${run} (seed ${SEED}): ${int(SKUS)} SKUs x ${LOCATIONS.length} locations, ${int(MOVEMENTS)} sales and ${ORDERS} web orders during the outage, plan ${PLAN}`);
  const channelEnv: Record<string, string> = CIRCUIT === '' ? {} : { SHOPIFY_CIRCUIT_MAX_OPEN_MS: CIRCUIT };
  const bench = await startBenchStack('outage', run, PORTS, SYNC_PLAN, channelEnv, flag('keep'));
  let failed: string | null = null;
  try {
    await openingStock(bench, rnd);
    await bench.emulator.setPlan(PLAN);
    await bench.emulator.setWebhooks(true);
    await bench.emulator.setOffline(true);
    log(`Shopify offline; plan ${PLAN}`);
    const outageStarted = Date.now();
    const { changed, lines, producedIn, appliedIn } = await outage(bench, rnd);
    const duringOutage = await bench.emulator.stats();
    const outageSeconds = (Date.now() - outageStarted) / 1000;
    const loadBefore = loadavg()[0]!;
    const result = await recovery(bench);
    const stats = await bench.emulator.stats();
    const [readBack, wrongOrders] = await ordersReadBack(bench.pool, lines);

    const orderLevels = new Set(lines.map((l) => key(l.sku, 'DC01')));
    const levelsChanged = changed.size + orderLevels.size;
    const bucket = PLANS[PLAN];
    const setCalls = Math.ceil(changed.size / 250);
    const pages = Math.ceil(new Set(lines.map((l) => l.order)).size / 10);
    const points = setCalls * 10 + pages * 542;
    const floorSeconds = Math.max(0, points - bucket.maximumAvailable) / bucket.restoreRate;
    const s = (v: number | null) => (v === null ? 'n/a' : `${(v / 1000).toFixed(1)} s`);
    process.stdout.write(
      [
        '',
        `Outage: ${int(MOVEMENTS)} till sales over ${int(SKUS)} SKUs x 20 stores (${int(changed.size)} store levels changed) and ${new Set(lines.map((l) => l.order)).size} web orders (${lines.length} lines, ${orderLevels.size} DC01 levels) in Shopify, webhooks lost; produced in ${producedIn.toFixed(0)} s, applied by the hub ${appliedIn.toFixed(0)} s after the first; Shopify offline ${outageSeconds.toFixed(0)} s (${int(duringOutage.offlineRejected)} calls refused); plan ${PLAN} (${bucket.restoreRate} points/s, bucket ${int(bucket.maximumAvailable)}); channel circuit max open ${CIRCUIT === '' ? '5,000 ms (default)' : `${CIRCUIT} ms`}; 1-min load average ${loadBefore.toFixed(1)} when Shopify returned`,
        '',
        table(
          ['measure (from the moment Shopify answers again)', 'result'],
          [
            [`bare limit: the necessary calls through the ${PLAN} cost bucket (${int(setCalls)} x 10-point inventorySetQuantities + ${pages} x 542-point order pages = ${int(points)} points; ${int(bucket.maximumAvailable)} in the full bucket, ${bucket.restoreRate}/s)`, `${floorSeconds.toFixed(1)} s`],
            ['first quantity applied by Shopify', s(result.firstChangeMs)],
            ['last quantity applied by Shopify', s(result.lastChangeMs)],
            [`**zero drift over all ${int(SKUS * LOCATIONS.length)} levels** (first check that found none; ${result.checks} checks)`, result.convergedMs === null ? `**not within ${TIMEOUT_S} s**` : `**${s(result.convergedMs)}**`],
            ['catch-up calls by operation', `${int(stats.requests)}: ${Object.entries(stats.byOperation).map(([op, n]) => `${op} ${int(n)}`).join(', ')}`],
            ['quantities set', `${int(stats.quantitiesSet)} (levels changed: ${int(levelsChanged)}; movements during the outage: ${int(MOVEMENTS)} + ${lines.length} order lines); ${int(result.changes)} level changes in Shopify`],
            ['THROTTLED answers', `${stats.throttled}`],
            ['user errors', Object.entries(stats.userErrors).map(([code, n]) => `${code} ${n}`).join(', ') || 'none'],
            ['lost orders read back and sold once in the hub', `${readBack} of ${lines.length} lines (${wrongOrders} missing, duplicated or wrong)`],
            ['target: zero drift <= 60 s', result.convergedMs !== null && result.convergedMs <= 60_000 ? 'met' : '**not met**'],
          ],
        ),
        '',
      ].join('\n'),
    );
    if (result.convergedMs === null) failed = `no zero drift within ${TIMEOUT_S} s`;
    else if (wrongOrders > 0 || readBack < lines.length) failed = `${lines.length - readBack} order lines not read back once`;
    else if (stats.quantitiesSet > levelsChanged * 1.1) failed = `${stats.quantitiesSet} quantities set for ${levelsChanged} changed levels`;
  } finally {
    await bench.stop();
  }
  if (failed) throw new Error(failed);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${String(error)}\n`);
    process.exit(1);
  },
);
