import type { PoolClient } from 'pg';
import type { LedgerEntry } from './entry';

/** Of these event ids, the ones already in the ledger. */
export async function knownEventIds(db: PoolClient, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ event_id: string }>('SELECT event_id FROM ledger WHERE event_id = ANY($1::text[])', [ids]);
  return new Set(rows.map((r) => r.event_id));
}

/** Sum of applied on-hand deltas of a level with business time after `afterMs` (for a late COUNT). */
export async function sumDeltasAfter(db: PoolClient, sku: string, locationId: string, afterMs: number): Promise<number> {
  const { rows } = await db.query<{ total: number | null }>(
    `SELECT sum(quantity) AS total FROM ledger
     WHERE sku = $1 AND location_id = $2 AND occurred_at > $3 AND effect = 'applied'
       AND type NOT IN ('COUNT', 'RESERVE', 'RELEASE')`,
    [sku, locationId, new Date(afterMs).toISOString()],
  );
  return rows[0]?.total ?? 0;
}

const COLUMNS = [
  ['event_id', 'text'], ['type', 'text'], ['sku', 'text'], ['location_id', 'text'], ['quantity', 'numeric'],
  ['counted_quantity', 'numeric'], ['occurred_at', 'timestamptz'], ['ingested_at', 'timestamptz'], ['effect', 'text'],
  ['on_hand_before', 'numeric'], ['on_hand_after', 'numeric'], ['reserved_before', 'numeric'], ['reserved_after', 'numeric'],
  ['went_negative', 'boolean'], ['source_system', 'text'], ['source_instance', 'text'], ['source_document', 'text'],
  ['source_line', 'text'], ['source_entity', 'text'], ['source_position', 'text'], ['source_raw', 'jsonb'], ['actor', 'text'],
  ['reason', 'text'], ['correlation_id', 'text'], ['kafka_topic', 'text'], ['kafka_partition', 'int'], ['kafka_offset', 'bigint'],
] as const;

const INSERT_SQL = `INSERT INTO ledger (${COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT (event_id) DO NOTHING`;

/** Appends ledger entries (one statement for the whole batch), inside the caller's transaction. */
export async function appendLedger(db: PoolClient, entries: readonly LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values = (e: LedgerEntry): unknown[] => {
    const { event: m, kafka } = e;
    return [
      m.eventId, m.type, m.sku, m.locationId, m.quantity ?? null, m.countedQuantity ?? null, m.occurredAt, m.ingestedAt, e.effect,
      e.onHandBefore, e.onHandAfter, e.reservedBefore, e.reservedAfter, e.wentNegative, m.source.system, m.source.instance,
      m.source.ref.document, m.source.ref.line, m.source.ref.entity, m.source.position, m.source.raw === null ? null : JSON.stringify(m.source.raw),
      m.actor, m.reason, m.correlationId, kafka?.topic ?? null, kafka?.partition ?? null, kafka?.offset ?? null,
    ];
  };
  const rows = entries.map(values);
  await db.query(INSERT_SQL, COLUMNS.map((_, i) => rows.map((row) => row[i])));
}

/** Stores the next offset to read per partition, inside the caller's transaction. */
export async function saveOffsets(db: PoolClient, groupId: string, topic: string, next: ReadonlyMap<number, string>): Promise<void> {
  if (next.size === 0) return;
  await db.query(
    `INSERT INTO consumer_offsets (group_id, topic, partition, next_offset)
     SELECT $1, $2, p, o FROM unnest($3::int[], $4::bigint[]) AS u(p, o)
     ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = GREATEST(consumer_offsets.next_offset, EXCLUDED.next_offset)`,
    [groupId, topic, [...next.keys()], [...next.values()]],
  );
}

export async function loadOffsets(db: PoolClient | import('pg').Pool, groupId: string, topic: string): Promise<Map<number, string>> {
  const { rows } = await db.query<{ partition: number; next_offset: number }>('SELECT partition, next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2', [groupId, topic]);
  return new Map(rows.map((r) => [r.partition, String(r.next_offset)]));
}
