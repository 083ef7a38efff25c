/**
 * The reconciler on the live stack, killed with SIGKILL in the middle of a backlog and started
 * again: every movement is in the ledger exactly once, each level's ledger chain is unbroken,
 * and the levels equal a recomputation from the ledger. Runs on topics, a group and SKUs of its
 * own; the reconciler is a real process.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { ensureTopics, connectProducer } from '../../core/kafka';
import type { MovementType, StockMovement } from '../../core/model';
import { emptyLevel, levelKey, type Level } from '../../hub/levels';
import { applyMovements } from '../../hub/reconciler/apply';
import { hubPool, ledgerChainFaults } from '../support/hub-db';
import { testKafka } from '../support/kafka';
import { startService, type Service } from '../support/services';

const run = randomUUID().slice(0, 8);
const topic = `it.movements.${run}`;
const env = { RECONCILER_TOPIC: topic, RECONCILER_GROUP: `it-reconciler-${run}`, LEVELS_TOPIC: `it.levels.${run}`, RECONCILER_HTTP_PORT: '18093' };
const SKUS = Array.from({ length: 60 }, (_, i) => `IT${run}-${i}`);
const LOCATIONS = ['S001', 'S002', 'DC01'];
const TYPES: Array<[MovementType, number]> = [['SALE', -1], ['SALE', -2], ['RETURN', 1], ['RECEIPT', 6], ['ADJUSTMENT', -1], ['DAMAGE', -1]];

let seq = 0;
function movement(sku: string, locationId: string, type: MovementType, amount: number, minute: number): StockMovement {
  seq += 1;
  const at = new Date(Date.UTC(2026, 10, 29, 8, 0, 0) + minute * 60_000).toISOString();
  return {
    schema: 'stock.movement.v1',
    eventId: `it-${run}-${seq}`,
    type,
    sku,
    locationId,
    ...(type === 'COUNT' ? { countedQuantity: amount } : { quantity: amount }),
    occurredAt: at,
    ingestedAt: at,
    source: { system: 'PDV', instance: locationId, ref: { document: `D${seq}`, line: null, entity: 'test' }, position: null, raw: null },
    actor: 'it',
    reason: null,
    correlationId: null,
  };
}

/** Counts first (at minute 60), then deltas before and after them, and some re-sent events. */
function stream(count: number, startMinute: number): StockMovement[] {
  const events: StockMovement[] = [];
  for (let i = 0; i < count; i++) {
    const sku = SKUS[i % SKUS.length]!;
    const location = LOCATIONS[Math.floor(i / SKUS.length) % LOCATIONS.length]!;
    const [type, amount] = TYPES[i % TYPES.length]!;
    // One delta in twenty is late: business time before the counts.
    events.push(movement(sku, location, type, amount, i % 20 === 0 ? 30 : startMinute + Math.floor(i / 50)));
    if (i % 25 === 0) events.push(events[events.length - 1]!); // re-delivered
  }
  return events;
}

describe('reconciler', () => {
  let pool: Pool;
  let reconciler: Service | undefined;
  const kafka = testKafka('reconciler');

  beforeAll(async () => {
    pool = await hubPool();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { name: topic, partitions: 6, description: 'test' },
      { name: env.LEVELS_TOPIC, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'test' },
    ]);
    await admin.disconnect();
  });

  afterAll(async () => {
    await reconciler?.stop();
    await pool.end();
  });

  const ledgerCount = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger WHERE sku LIKE $1', [`IT${run}-%`])).rows[0]!.n);

  it('keeps every movement exactly once across a SIGKILL mid-batch, and levels equal the ledger', async () => {
    const producer = await connectProducer(kafka);
    const send = async (events: StockMovement[]) => {
      for (let i = 0; i < events.length; i += 2_000) {
        await producer.send({ topic, acks: -1, messages: events.slice(i, i + 2_000).map((e) => ({ key: e.sku, value: JSON.stringify(e) })) });
      }
    };
    const counts = SKUS.flatMap((sku) => LOCATIONS.map((l) => movement(sku, l, 'COUNT', 40, 60)));
    const first = [...counts, ...stream(24_000, 61)];
    await send(first);

    reconciler = await startService('reconciler', 'hub/reconciler/main.ts', 18093, env);
    for (let i = 0; i < 300 && (await ledgerCount()) < 4_000; i++) await new Promise((r) => setTimeout(r, 50));
    const atKill = await ledgerCount();
    await reconciler.kill();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(new Set(first.map((e) => e.eventId)).size);

    const second = stream(6_000, 600);
    await send(second);
    await producer.disconnect();
    reconciler = await startService('reconciler', 'hub/reconciler/main.ts', 18093, env);

    const all = [...first, ...second];
    const distinct = new Set(all.map((e) => e.eventId));
    for (let i = 0; i < 600 && (await ledgerCount()) < distinct.size; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await ledgerCount()).toBe(distinct.size);

    const { rows: ledger } = await pool.query('SELECT * FROM ledger WHERE sku LIKE $1 ORDER BY seq', [`IT${run}-%`]);
    expect(ledgerChainFaults(ledger)).toEqual({ duplicates: [], breaks: [] });
    expect(ledger.some((r) => r.effect === 'stale')).toBe(true);

    // Recompute every level from the ledger's events, in ledger order, and compare.
    const recomputed = new Map<string, Level>();
    for (const sku of SKUS) for (const l of LOCATIONS) recomputed.set(levelKey(sku, l), emptyLevel(sku, l));
    const byId = new Map(all.map((e) => [e.eventId, e]));
    applyMovements(recomputed, ledger.map((r) => ({ event: byId.get(r.event_id)!, kafka: null })), new Set(), () => 0);
    const { rows: levels } = await pool.query('SELECT sku, location_id, on_hand, reserved FROM stock_levels WHERE sku LIKE $1', [`IT${run}-%`]);
    expect(levels).toHaveLength(SKUS.length * LOCATIONS.length);
    const mismatches = levels.filter((l) => recomputed.get(levelKey(l.sku, l.location_id))!.onHand !== l.on_hand);
    expect(mismatches).toEqual([]);
  });
});
