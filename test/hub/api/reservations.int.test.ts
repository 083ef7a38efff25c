/**
 * A reservation's sale under the late-event rule, on the hub's real database: the reservations
 * in process, the reconciler in process on a topic and a group of the test's own. A count whose
 * business time is before a confirmed reservation's sale, arriving after it, must not erase it.
 * Levels are published by a stub: the shared outbox belongs to the running services.
 */
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { connectProducer, ensureTopics } from '../../../core/kafka';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import type { StockMovement } from '../../../core/model';
import { Reservations } from '../../../hub/api/reservations';
import type { Caller } from '../../../hub/auth';
import type { LevelPublisher } from '../../../hub/levels';
import { createReconcilerMetrics } from '../../../hub/reconciler/metrics';
import { Reconciler } from '../../../hub/reconciler/reconciler';
import { hubPool } from '../../support/hub-db';
import { testKafka } from '../../support/kafka';

const run = randomUUID().slice(0, 8);
const topic = `it.rsv-movements.${run}`;
const logger = createLogger('test-reservations', 'warn');
const store: Caller = { role: 'store', subject: 'it-S001', storeId: 'S001' };
const noPublish = { drain: async () => 0 } as unknown as LevelPublisher;

let seq = 0;
function count(sku: string, counted: number, at: Date): StockMovement {
  seq += 1;
  return {
    schema: 'stock.movement.v1',
    eventId: `it-rsv-${run}-${seq}`,
    type: 'COUNT',
    sku,
    locationId: 'S001',
    countedQuantity: counted,
    occurredAt: at.toISOString(),
    ingestedAt: new Date().toISOString(),
    source: { system: 'ERP', instance: 'it', ref: { document: `CNT${seq}`, line: null, entity: 'test' }, position: null, raw: null },
    actor: 'it',
    reason: null,
    correlationId: null,
  };
}

describe('reservations under the late-event rule', () => {
  let pool: Pool;
  let reconciler: Reconciler | undefined;
  let producer: Producer | undefined;
  const kafka = testKafka('reservations');

  beforeAll(async () => {
    pool = await hubPool();
    producer = await connectProducer(kafka);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 1, description: 'test' }]);
    await admin.disconnect();
    reconciler = new Reconciler(kafka, pool, noPublish, { groupId: `it-rsv-reconciler-${run}`, topic }, logger, createReconcilerMetrics(createMetrics('test-reservations')));
    await reconciler.start();
  });

  afterAll(async () => {
    await reconciler?.stop();
    await producer?.disconnect();
    await pool.end();
  });

  const applied = async (event: StockMovement) => {
    await producer!.send({ topic, acks: -1, messages: [{ key: event.sku, value: JSON.stringify(event) }] });
    for (let i = 0; i < 300; i++) {
      if ((await pool.query('SELECT 1 FROM ledger WHERE event_id = $1', [event.eventId])).rowCount === 1) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${event.eventId} not applied within 15 s`);
  };
  const level = async (sku: string) =>
    (await pool.query('SELECT on_hand, reserved FROM stock_levels WHERE sku = $1 AND location_id = $2', [sku, 'S001'])).rows[0] as { on_hand: number; reserved: number };

  it('a count older than a confirmed reservation, arriving after it, keeps the sale', async () => {
    const sku = `RSV${run}`;
    const hour = 3_600_000;
    await applied(count(sku, 5, new Date(Date.now() - 2 * hour)));
    const reservations = new Reservations(pool, noPublish, logger);
    const reservation = await reservations.reserve(store, { sku, locationId: 'S001', quantity: 1, ttlSeconds: 900, reference: null });
    await reservations.confirm(store, reservation.id);
    expect(await level(sku)).toEqual({ on_hand: 4, reserved: 0 });

    // Counted 5 an hour before the sale (T1 < T2), reported only now: 5 as of T1, less the sale since.
    await applied(count(sku, 5, new Date(Date.now() - hour)));
    expect(await level(sku)).toEqual({ on_hand: 4, reserved: 0 });

    const { rows } = await pool.query('SELECT type, effect, quantity, kafka_topic FROM ledger WHERE sku = $1 ORDER BY seq', [sku]);
    expect(rows).toEqual([
      { type: 'COUNT', effect: 'applied', quantity: null, kafka_topic: topic },
      { type: 'RESERVE', effect: 'applied', quantity: 1, kafka_topic: null },
      { type: 'RELEASE', effect: 'applied', quantity: 1, kafka_topic: null },
      { type: 'SALE', effect: 'applied', quantity: -1, kafka_topic: null },
      { type: 'COUNT', effect: 'applied', quantity: null, kafka_topic: topic },
    ]);
  });
});
