/**
 * Benchmark: end-to-end propagation at 5x peak, source commit -> Shopify emulator and store feed.
 * Target (docs/architecture.md): p99 <= 2 s.
 *
 *   npx tsx scripts/bench/e2e-latency.ts      (stack up first; --rate 150 --seconds 60 --plan standard --pdv 0.8 --forward-ms 500 --timeout 30 [--keep])
 *
 * Load: a peak day is 2.5 M movements (5x the normal 500,000) over a 12-hour trading day, 58/s
 * on average; the busiest hour runs at about 2.5x the day's average, so the default 150/s is the
 * peak of the peak day. The mix is 80% till sales and returns in the 20 stores (PDV ingest, posted
 * as the store agent forwards them: each store's outbox every 500 ms, one post in flight), 12%
 * ERP journal inserts (adjustments, damages, DC receipts) and 8% WMS inventory updates at the
 * DC, on seeded SKUs; every movement touches a level (sku@location) no other movement of the run
 * touches, so the first change of that level in Shopify and in the store's feed is its own.
 *
 * Runs its own emulator (empty, then the run's SKUs at the ERP's balances), sinks, reconciler,
 * Shopify channel and API on ports 18400-18404, with a hub database and level topic of its own
 * (scripts/bench/support/stack.ts says why; --keep leaves them for inspection). Warm-up: opening counts (the ERP's balances) for
 * the run's levels, pushed to Shopify, so the channel's item map and compare-and-set bases are
 * what they are in production. The bare limit, in the same run: one Kafka hop (acks=-1 produce
 * -> consume) and the Debezium leg (source commit -> raw topic record).
 */
import '../development-env';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { connectProducer } from '../../core/kafka';
import { loadShopifyConfig } from '../../core/shopify';
import { TOPICS } from '../../core/topics';
import { TopicWatcher } from '../../test/support/kafka';
import { describe, flag, int, log, ms, numberOption, option, random, sleep, summarize, table, type Summary } from './support/cli';
import { isPlan } from './support/emulator';
import { TimedFeed } from './support/feed';
import { KafkaHop } from './support/floor';
import { behind, countMovement, endOffsets, hubLevels, key, produceMovements, STORES } from './support/hub';
import { Sources, type Planned, type Source } from './support/sources';
import { startBenchStack, type BenchStack } from './support/stack';

const RATE = numberOption('rate', 150);
const SECONDS = numberOption('seconds', 60);
const TIMEOUT_MS = numberOption('timeout', 30) * 1000;
const PLAN = option('plan', 'standard');
const SEED = numberOption('seed', Math.floor(Math.random() * 1e9));
/** --webhooks false: the emulator sends no inventory_levels/update echo of the channel's pushes (diagnosis). */
const WEBHOOKS = option('webhooks', 'true') !== 'false';
/** How often each store's agent forwards its outbox (AGENT_FORWARD_MS, default 500); 0 posts every sale at once. */
const FORWARD_MS = numberOption('forward-ms', 500);
/** --pdv: share of till movements (default 0.8); the rest is ERP and WMS, 60:40. */
const PDV_SHARE = Math.min(1, numberOption('pdv', 0.8));
const MIX = { PDV: PDV_SHARE, ERP: (1 - PDV_SHARE) * 0.6 };
const PORTS = { emulator: 18400, sinks: 18401, reconciler: 18402, channel: 18403, api: 18404 };
const run = randomUUID().slice(0, 8);

interface Tracked extends Planned {
  shopify?: { at: number; available: number };
  feed?: { at: number; available: number };
  /** CreateTime of the Debezium record, the canonical movement and the published level. */
  raw?: number;
  movement?: number;
  level?: number;
}

/** The run's movements, in order; each on a level of its own, SKUs spread over the 50,000 seeded. */
function planLoad(total: number, rnd: () => number): Tracked[] {
  const used = new Map<string, number>();
  const start = Math.floor(rnd() * 50_000);
  const skuAt = (location: string): string => {
    const k = used.get(location) ?? 0;
    used.set(location, k + 1);
    const lane = location === 'DC01' ? 0 : Number(location.slice(1));
    return String(10_000_001 + (((start + lane * 2_381 + k) * 7_919) % 50_000));
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (low: number, high: number): number => low + Math.floor(rnd() * (high - low + 1));
  return Array.from({ length: total }, (_, i): Tracked => {
    const r = rnd();
    if (r < MIX.PDV) {
      const store = pick(STORES);
      return { i, source: 'PDV', location: store, sku: skuAt(store), quantity: rnd() < 0.05 ? 1 : -(rnd() < 0.85 ? 1 : 2) };
    }
    if (r < MIX.PDV + MIX.ERP) {
      const location = rnd() < 0.25 ? 'DC01' : pick(STORES);
      const erpType = location === 'DC01' && rnd() < 0.5 ? 'RCV' : rnd() < 0.7 ? 'ADJ' : 'DMG';
      const quantity = erpType === 'RCV' ? between(6, 24) : erpType === 'DMG' ? -1 : (rnd() < 0.5 ? -1 : 1) * between(1, 3);
      return { i, source: 'ERP', location, sku: skuAt(location), quantity, erpType };
    }
    return { i, source: 'WMS', location: 'DC01', sku: skuAt('DC01'), quantity: rnd() < 0.6 ? between(1, 12) : -between(1, 4) };
  });
}

/** Opening counts for the run's levels, the same numbers in Shopify; returns once the channel has pushed them all. */
async function warmUp(bench: BenchStack, sources: Sources, plan: Tracked[]): Promise<void> {
  const skus = [...new Set(plan.map((m) => m.sku))];
  const balances = await sources.erpBalances(skus);
  // A count is never negative; the stand-in's balance can be (the ERP import lets it go below zero).
  const opening = (m: Tracked): number => Math.max(0, balances.get(key(m.sku, m.location)) ?? 0);
  const shopifyIdOf = new Map(Object.entries(loadShopifyConfig().locations).map(([id, hub]) => [hub, id]));
  const levels = new Map<string, Record<string, number>>();
  for (const m of plan) levels.set(m.sku, { ...levels.get(m.sku), [shopifyIdOf.get(m.location)!]: opening(m) });
  await bench.emulator.addItems(skus.map((sku) => ({ sku, levels: levels.get(sku)! })));
  log(`warm-up: ${int(skus.length)} SKUs in the emulator; opening counts for ${int(plan.length)} levels`);
  const producer = await connectProducer(bench.kafka);
  await produceMovements(producer, plan.map((m) => countMovement(run, m.sku, m.location, opening(m))));
  await producer.disconnect();
  const ends = await endOffsets(bench.kafka, TOPICS.movements);
  const deadline = Date.now() + 240_000;
  for (;;) {
    const left = await behind(bench.kafka, TOPICS.movements, { pool: bench.pool, id: bench.reconcilerGroup }, ends);
    let synced = 0;
    if (left === 0) {
      const { rows } = await bench.pool.query<{ synced: string }>(
        `SELECT count(*) AS synced FROM unnest($1::text[], $2::text[]) AS b(sku, location_id)
           JOIN stock_levels l USING (sku, location_id) JOIN shopify_push p USING (sku, location_id)
          WHERE p.pushed_version >= l.version AND p.pushed = floor(l.on_hand - l.reserved - l.safety_stock)`,
        [plan.map((m) => m.sku), plan.map((m) => m.location)],
      );
      synced = Number(rows[0]!.synced);
    }
    log(`warm-up: reconciler ${int(left)} behind; ${int(synced)}/${int(plan.length)} levels in Shopify`);
    if (synced === plan.length) return;
    if (Date.now() > deadline) throw new Error('warm-up: the opening counts did not reach Shopify within 240 s');
    await sleep(2_000);
  }
}

const latencies = (plan: Tracked[], at: (m: Tracked) => number | undefined, which: (m: Tracked) => boolean = () => true): Summary =>
  summarize(plan.filter((m) => which(m) && m.commit !== undefined && at(m) !== undefined).map((m) => at(m)! - m.commit!));

/** Stamps each movement with the CreateTime of its Debezium record, canonical movement and level record. */
function stampStages(plan: Tracked[], byKey: Map<string, Tracked>, watcher: TopicWatcher): void {
  const erpDoc = `E2E${run}-`;
  for (const r of watcher.all()) {
    const v = r.value as Record<string, any> | null;
    if (v === null) continue;
    const at = Number(r.message.timestamp);
    if (r.topic === TOPICS.erpStockJournal) {
      const doc = v.after?.DOCNO;
      const m = typeof doc === 'string' && doc.startsWith(erpDoc) ? plan[Number(doc.slice(erpDoc.length))] : undefined;
      if (m) m.raw ??= at;
    } else if (r.topic === TOPICS.wmsInventory) {
      const m = v.after?.upd_user === `e2e-${run}` ? byKey.get(key(String(v.after.sku_code), 'DC01')) : undefined;
      if (m) m.raw ??= at;
    } else if (r.topic === TOPICS.movements) {
      const m = v.type === 'COUNT' ? undefined : byKey.get(key(v.sku, v.locationId));
      if (m) m.movement ??= at;
    } else {
      const m = byKey.get(key(v.sku, v.locationId));
      if (m) m.level ??= at;
    }
  }
}

async function main(): Promise<void> {
  if (!isPlan(PLAN)) throw new Error(`--plan: one of standard, advanced, plus`);
  const total = Math.round(RATE * SECONDS);
  const plan = planLoad(total, random(SEED));
  const byKey = new Map(plan.map((m) => [key(m.sku, m.location), m]));
  const count = (s: Source) => plan.filter((m) => m.source === s).length;
  log(`run ${run} (seed ${SEED}): ${int(total)} movements at ${RATE}/s for ${SECONDS} s; PDV ${int(count('PDV'))}, ERP ${int(count('ERP'))}, WMS ${int(count('WMS'))}; plan ${PLAN}`);

  const bench = await startBenchStack('e2e', run, PORTS, PLAN, {}, flag('keep'));
  const sources = Sources.connect(`http://127.0.0.1:${PORTS.sinks}`, run);
  const feeds: TimedFeed[] = [];
  let watcher: TopicWatcher | undefined;
  let follower: { stop(): Promise<void> } | undefined;
  const hop = new KafkaHop(bench.kafka, run);
  let lost = 0;
  try {
    await warmUp(bench, sources, plan);
    follower = bench.emulator.followChanges(await bench.emulator.lastSeq(), (c) => {
      const m = byKey.get(key(c.sku, c.hubLocation));
      if (m && !m.shopify) m.shopify = { at: c.at, available: c.available };
    });
    for (const store of STORES) {
      const feed = new TimedFeed(`${bench.apiUrl}/v1/stores/${store}/feed?from=now`, `dev-token-api-${store}`, (l) => {
        const m = byKey.get(key(l.sku, l.locationId));
        if (m && !m.feed) m.feed = { at: l.receivedAt, available: l.available };
      });
      await feed.open();
      feeds.push(feed);
    }
    watcher = new TopicWatcher(`bench-e2e-${run}`, [TOPICS.erpStockJournal, TOPICS.wmsInventory, TOPICS.movements, bench.levelsTopic]);
    await watcher.start();
    await hop.start(100);
    await bench.emulator.resetStats();
    if (!WEBHOOKS) await bench.emulator.setWebhooks(false);

    const loadBefore = loadavg()[0]!;
    const started = Date.now();
    const status = (): string => {
      const committed = plan.filter((m) => m.commit !== undefined);
      const s = latencies(plan, (m) => m.shopify?.at);
      return `${((Date.now() - started) / 1000).toFixed(0)} s: committed ${int(committed.length)}/${int(total)}, in Shopify ${int(s.n)} (p99 so far ${ms(s.p99)}), in store feeds ${int(plan.filter((m) => m.feed).length)}, errors ${plan.filter((m) => m.error).length}`;
    };
    const progress = setInterval(() => log(status()), 5_000);
    const inFlight = new Set<Promise<void>>();
    const track = (p: Promise<void>): void => {
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    // Till sales wait in their store agent's outbox, forwarded every --forward-ms, one post in flight per store.
    const outbox = new Map<string, Tracked[]>(STORES.map((store) => [store, []]));
    const nextPost = new Map(STORES.map((store, i) => [store, started + (i * FORWARD_MS) / STORES.length]));
    const posting = new Set<string>();
    for (let next = 0; next < total || posting.size > 0 || [...outbox.values()].some((o) => o.length > 0); await sleep(20)) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE));
      for (const m of plan.slice(next, due)) {
        if (m.source === 'PDV') outbox.get(m.location)!.push(m);
        else track(m.source === 'ERP' ? sources.erpJournal(m) : sources.wmsInventory(m));
      }
      next = due;
      for (const [store, queued] of outbox) {
        if (queued.length === 0 || posting.has(store) || Date.now() < nextPost.get(store)!) continue;
        nextPost.set(store, Date.now() + FORWARD_MS);
        posting.add(store);
        track(sources.pdv(store, queued.splice(0, 1_000)).finally(() => posting.delete(store)));
      }
    }
    await Promise.all(inFlight);
    const loadSeconds = (Date.now() - started) / 1000;
    const lastCommit = Math.max(...plan.map((m) => m.commit ?? 0));
    const waiting = (): number => plan.filter((m) => m.commit !== undefined && (!m.shopify || (m.location !== 'DC01' && !m.feed))).length;
    while (waiting() > 0 && Date.now() < lastCommit + TIMEOUT_MS) await sleep(250);
    clearInterval(progress);
    log(status());
    await follower.stop();
    const stats = await bench.emulator.stats();
    stampStages(plan, byKey, watcher);

    const hub = await hubLevels(bench.pool, [...new Set(plan.map((m) => m.sku))]);
    const committed = plan.filter((m) => m.commit !== undefined);
    const late = (at: number | undefined, m: Tracked) => at === undefined || at - m.commit! > TIMEOUT_MS;
    const lostShopify = committed.filter((m) => late(m.shopify?.at, m)).length;
    const lostFeed = committed.filter((m) => m.location !== 'DC01' && late(m.feed?.at, m)).length;
    const errors = plan.filter((m) => m.error);
    const wrong = committed.filter((m) => (m.shopify && m.shopify.available !== hub.get(key(m.sku, m.location))) || (m.feed && m.feed.available !== hub.get(key(m.sku, m.location)))).length;
    lost = lostShopify + lostFeed + errors.length + wrong;
    const cdc = (m: Tracked) => m.source !== 'PDV';
    const bySource = (at: (m: Tracked) => number | undefined, from: (m: Tracked) => number | undefined = (m) => m.commit): string =>
      (['PDV', 'ERP', 'WMS'] as const)
        .map((s) => {
          const l = summarize(plan.filter((m) => m.source === s && from(m) !== undefined && at(m) !== undefined).map((m) => at(m)! - from(m)!));
          return l.n === 0 ? `${s} none` : `${s} p50 ${int(l.p50)} / p99 ${int(l.p99)} ms`;
        })
        .join('; ');
    for (const e of errors.slice(0, 5)) log(`source error: ${e.source} ${e.sku}@${e.location}: ${e.error}`);
    process.stdout.write(
      [
        '',
        `Load: ${int(total)} movements in ${loadSeconds.toFixed(1)} s (${(committed.length / loadSeconds).toFixed(1)}/s): PDV ${int(count('PDV'))} in 20 stores, ERP journal ${int(count('ERP'))}, WMS DC01 ${int(count('WMS'))}; ${int(new Set(plan.map((m) => m.sku)).size)} seeded SKUs; plan ${PLAN}${WEBHOOKS ? '' : ', no Shopify webhooks'}; PDV posts ${int(sources.posts)} (each store's outbox every ${FORWARD_MS} ms), retried ${sources.retries}; 1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
        '',
        table(
          ['measure (from the source commit)', 'result'],
          [
            ['bare limit: one Kafka hop, produce acks=-1 -> consume, same run', describe(summarize(hop.samples))],
            ['  of which the produce acknowledgement (acks=-1)', describe(summarize(hop.acks))],
            ['Debezium only: ERP/WMS commit -> raw topic record', describe(latencies(plan, (m) => m.raw, cdc))],
            ['-> canonical movement on stock.movements (ERP, WMS)', describe(latencies(plan, (m) => m.movement, cdc))],
            ['-> level on stock.levels (all)', describe(latencies(plan, (m) => m.level))],
            ['**-> applied in the Shopify emulator**', describe(latencies(plan, (m) => m.shopify?.at))],
            ['  by source', bySource((m) => m.shopify?.at)],
            ['source call itself, sent -> committed (PDV: POST -> 202, after the sink has written to Kafka)', bySource((m) => m.commit, (m) => m.sent)],
            ['PDV, from the post being sent (what the till sees) -> Shopify', describe(summarize(plan.filter((m) => m.source === 'PDV' && m.sent !== undefined && m.shopify).map((m) => m.shopify!.at - m.sent!)))],
            ['**-> level event in the store feed** (store levels)', describe(latencies(plan, (m) => m.feed?.at, (m) => m.location !== 'DC01'))],
            ['not arrived within 30 s', `Shopify ${lostShopify}, store feeds ${lostFeed}; source errors ${errors.length}; values unequal to the hub ${wrong}`],
            ['Shopify calls during the run', `${int(stats.requests)} (${Object.entries(stats.byOperation).map(([op, n]) => `${op} ${int(n)}`).join(', ')}), ${int(stats.quantitiesSet)} quantities set, ${stats.throttled} THROTTLED`],
          ],
        ),
        '',
      ].join('\n'),
    );
  } finally {
    await follower?.stop();
    await hop.stop().catch(() => undefined);
    for (const feed of feeds) feed.close();
    await watcher?.stop().catch(() => undefined);
    await sources.close();
    await bench.stop();
  }
  if (lost > 0) throw new Error(`${lost} movements lost, late, in error or with a wrong value`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${String(error)}\n`);
    process.exit(1);
  },
);
