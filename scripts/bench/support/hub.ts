/** What the benchmarks read from the hub (PostgreSQL, Kafka offsets) and write to stock.movements. */
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { chunkBySize } from '../../../core/kafka';
import { deterministicEventId, type StockMovement } from '../../../core/model';
import { TOPICS } from '../../../core/topics';
import { countMovement as openingCount } from '../../../test/support/movements';

export const STORES = Array.from({ length: 20 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
export const LOCATIONS = ['DC01', ...STORES];
export const key = (sku: string, location: string): string => `${sku}@${location}`;

/** A canonical opening COUNT, as the outage test produces it. */
export const countMovement = (run: string, sku: string, locationId: string, quantity: number): StockMovement => openingCount('bench', run, sku, locationId, quantity);

/** A till sale produced straight to stock.movements (what the PDV ingest would write). */
export function saleMovement(run: string, seq: number, sku: string, locationId: string, quantity: number): StockMovement {
  const now = new Date().toISOString();
  return {
    schema: 'stock.movement.v1',
    eventId: deterministicEventId('pdv', locationId, `bench-${run}-${seq}`),
    type: 'SALE',
    sku,
    locationId,
    quantity: -quantity,
    occurredAt: now,
    ingestedAt: now,
    source: { system: 'PDV', instance: locationId, ref: { document: `R-${run}-${seq}`, line: '1', entity: 'bench' }, position: `bench-${run}-${seq}`, raw: null },
    actor: `${locationId}/T01`,
    reason: null,
    correlationId: null,
  } satisfies StockMovement;
}

/** Produces movements keyed by SKU (acks=-1), in chunks; `progress` after each chunk. */
export async function produceMovements(producer: Producer, movements: readonly StockMovement[], progress: (sent: number) => void = () => undefined): Promise<void> {
  const CHUNK = 5_000;
  for (let i = 0; i < movements.length; i += CHUNK) {
    const messages = movements.slice(i, i + CHUNK).map((m) => ({ key: m.sku, value: JSON.stringify(m) }));
    for (const part of chunkBySize(messages)) await producer.sendBatch({ acks: -1, topicMessages: [{ topic: TOPICS.movements, messages: part }] });
    progress(Math.min(movements.length, i + CHUNK));
  }
}

/** Hub available (on_hand - reserved - safety_stock) of every level of the SKUs, by sku@location. */
export async function hubLevels(pool: Pool, skus: readonly string[]): Promise<Map<string, number>> {
  const levels = new Map<string, number>();
  for (let i = 0; i < skus.length; i += 5_000) {
    const { rows } = await pool.query<{ sku: string; location_id: string; available: string }>(
      'SELECT sku, location_id, on_hand - reserved - safety_stock AS available FROM stock_levels WHERE sku = ANY($1::text[])',
      [skus.slice(i, i + 5_000)],
    );
    for (const r of rows) levels.set(key(r.sku, r.location_id), Math.floor(Number(r.available)));
  }
  return levels;
}

/** The topic's end offsets now, by partition. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((e) => [e.partition, Number(e.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Messages below `ends` (default: the end now) that `group` has not consumed yet: Kafka's
 * committed offsets, or the reconciler's, which live in PostgreSQL.
 */
export async function behind(kafka: Kafka, topic: string, group: { kafka: string } | { pool: Pool; id: string }, ends?: Map<number, number>): Promise<number> {
  const target = ends ?? (await endOffsets(kafka, topic));
  const done = new Map<number, number>();
  if ('kafka' in group) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: group.kafka, topics: [topic] });
      for (const p of committed?.partitions ?? []) done.set(p.partition, Number(p.offset));
    } finally {
      await admin.disconnect();
    }
  } else {
    const { rows } = await group.pool.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2', [group.id, topic]);
    for (const r of rows) done.set(r.partition, Number(r.next_offset));
  }
  let sum = 0;
  for (const [partition, high] of target) sum += Math.max(0, high - Math.max(0, done.get(partition) ?? 0));
  return sum;
}
