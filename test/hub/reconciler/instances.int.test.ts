/**
 * Two reconcilers (real processes) in one consumer group on a topic of six partitions, one of
 * them killed with SIGKILL while both work through a backlog: the survivor takes the dead one's
 * partitions, resumes each from the offset stored in PostgreSQL with the last batch the dead one
 * committed, and the ledger holds every movement exactly once, each level's chain unbroken and
 * its on-hand the sum of its movements. Runs on topics, a group and SKUs of its own.
 */
import { randomUUID } from 'node:crypto';
import { AssignerProtocol } from 'kafkajs';
import type { Pool } from 'pg';
import { connectProducer, ensureTopics } from '../../../core/kafka';
import type { StockMovement } from '../../../core/model';
import { levelKey } from '../../../hub/levels';
import { hubPool, ledgerChainFaults, type LedgerChainRow } from '../../support/hub-db';
import { testKafka } from '../../support/kafka';
import { startService, type Service } from '../../support/services';
import { eventually, sleep } from '../../support/wait';

const run = randomUUID().slice(0, 8);
const topic = `it.movements.ha.${run}`;
const group = `it-reconciler-ha-${run}`;
const env = { RECONCILER_TOPIC: topic, RECONCILER_GROUP: group, LEVELS_TOPIC: `it.levels.ha.${run}` };
const PORTS = { a: 19230, b: 19231 };
const SKUS = Array.from({ length: 60 }, (_, i) => `RHA${run}-${i}`);
const LOCATIONS = ['S001', 'DC01'];

let seq = 0;
/** Deltas only (sales and receipts), so each level's on-hand is the sum of its distinct movements; one in 20 sent twice. */
function movements(count: number): StockMovement[] {
  const events: StockMovement[] = [];
  for (let i = 0; i < count; i++) {
    seq += 1;
    const at = new Date().toISOString();
    const sale = seq % 3 !== 0;
    const event: StockMovement = {
      schema: 'stock.movement.v1',
      eventId: `it-rha-${run}-${seq}`,
      type: sale ? 'SALE' : 'RECEIPT',
      sku: SKUS[seq % SKUS.length]!,
      locationId: LOCATIONS[Math.floor(seq / SKUS.length) % LOCATIONS.length]!,
      quantity: sale ? -1 : 2,
      occurredAt: at,
      ingestedAt: at,
      source: { system: 'PDV', instance: 'S001', ref: { document: `D${seq}`, line: null, entity: 'test' }, position: null, raw: null },
      actor: 'it',
      reason: null,
      correlationId: null,
    };
    events.push(event);
    if (seq % 20 === 0) events.push(event);
  }
  return events;
}

describe('two reconcilers in one group', () => {
  let pool: Pool;
  const kafka = testKafka('reconciler-ha');
  const admin = kafka.admin();
  const services: Service[] = [];

  beforeAll(async () => {
    pool = await hubPool();
    await admin.connect();
    await ensureTopics(admin, [
      { name: topic, partitions: 6, description: 'test' },
      { name: env.LEVELS_TOPIC, partitions: 6, config: { 'cleanup.policy': 'compact' }, description: 'test' },
    ]);
  });

  afterAll(async () => {
    for (const service of services) await service.stop();
    await admin.deleteTopics({ topics: [topic, env.LEVELS_TOPIC] }).catch(() => undefined);
    await admin.disconnect();
    await pool.query('DELETE FROM ledger WHERE sku = ANY($1)', [SKUS]);
    await pool.query('DELETE FROM stock_levels WHERE sku = ANY($1)', [SKUS]);
    await pool.query('DELETE FROM consumer_offsets WHERE group_id = $1', [group]);
    await pool.end();
  });

  const ledgerCount = async (): Promise<number> => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger WHERE sku = ANY($1)', [SKUS])).rows[0]!.n);
  /** Partitions per member of the group, as the broker sees it. */
  const assignment = async (): Promise<number[][]> => {
    const { groups } = await admin.describeGroups([group]);
    return (groups[0]?.members ?? []).map((m) => [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])].sort());
  };

  it('loses and doubles nothing when one is killed under load; the survivor takes its partitions', async () => {
    const producer = await connectProducer(kafka);
    const send = async (events: StockMovement[]): Promise<void> => {
      for (let i = 0; i < events.length; i += 2_000) await producer.send({ topic, acks: -1, messages: events.slice(i, i + 2_000).map((e) => ({ key: e.sku, value: JSON.stringify(e) })) });
    };
    const first = movements(30_000);
    await send(first);
    const victim = await startService('reconciler-ha-a', 'hub/reconciler/main.ts', PORTS.a, { ...env, RECONCILER_HTTP_PORT: String(PORTS.a) });
    services.push(await startService('reconciler-ha-b', 'hub/reconciler/main.ts', PORTS.b, { ...env, RECONCILER_HTTP_PORT: String(PORTS.b) }));
    const shared = await eventually('both reconcilers to hold partitions', async () => {
      const members = await assignment();
      return members.length === 2 && members.every((p) => p.length === 3) ? members : undefined;
    }, 30_000);
    expect(shared.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);

    const distinctFirst = new Set(first.map((e) => e.eventId)).size;
    for (let i = 0; i < 600 && (await ledgerCount()) < distinctFirst / 2; i++) await sleep(50);
    await victim.kill();
    const killedAt = Date.now();
    // Whether the first backlog was still draining depends on the machine's speed; the second one,
    // sent after the kill, is the survivor's to take over either way.
    const atKill = await ledgerCount();

    const second = movements(6_000);
    await send(second);
    await producer.disconnect();
    const all = [...first, ...second];
    const distinct = new Set(all.map((e) => e.eventId));
    await eventually('the survivor to hold all six partitions', async () => {
      const members = await assignment();
      return members.length === 1 && members[0]!.length === 6 ? true : undefined;
    }, 30_000);
    const tookOverMs = Date.now() - killedAt;
    await eventually('every movement in the ledger', async () => ((await ledgerCount()) >= distinct.size ? true : undefined), 60_000);
    process.stdout.write(`[reconciler-ha] killed at ${atKill} of ${distinct.size} movements; the survivor held all partitions after ${tookOverMs} ms and had the ledger complete after ${Date.now() - killedAt} ms\n`);
    await sleep(1_000);
    expect(await ledgerCount()).toBe(distinct.size);

    const { rows: ledger } = await pool.query<LedgerChainRow>('SELECT event_id, sku, location_id, on_hand_before, on_hand_after, seq FROM ledger WHERE sku = ANY($1) ORDER BY seq', [SKUS]);
    expect(ledgerChainFaults(ledger)).toEqual({ duplicates: [], breaks: [] });
    const expected = new Map<string, number>();
    for (const event of new Map(all.map((e) => [e.eventId, e])).values()) expected.set(levelKey(event.sku, event.locationId), (expected.get(levelKey(event.sku, event.locationId)) ?? 0) + event.quantity!);
    const { rows: levels } = await pool.query<{ sku: string; location_id: string; on_hand: number }>('SELECT sku, location_id, on_hand FROM stock_levels WHERE sku = ANY($1)', [SKUS]);
    expect(levels.filter((l) => expected.get(levelKey(l.sku, l.location_id)) !== l.on_hand)).toEqual([]);
    expect(levels).toHaveLength(expected.size);
  }, 180_000);
});
