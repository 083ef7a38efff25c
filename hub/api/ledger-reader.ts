import type { Pool } from 'pg';

export interface LedgerLine {
  seq: number;
  eventId: string;
  type: string;
  effect: 'applied' | 'stale';
  quantity: number | null;
  countedQuantity: number | null;
  onHandBefore: number;
  onHandAfter: number;
  reservedBefore: number;
  reservedAfter: number;
  wentNegative: boolean;
  occurredAt: string;
  appliedAt: string;
  source: { system: string; instance: string; document: string | null; line: string | null; entity: string; position: string | null; raw: unknown };
  kafka: { topic: string; partition: number; offset: number } | null;
  actor: string | null;
  reason: string | null;
  correlationId: string | null;
}

/** "Why is this number what it is": a level's ledger, newest first. */
export async function readLedger(pool: Pool, sku: string, locationId: string, limit: number, before?: number): Promise<LedgerLine[]> {
  const { rows } = await pool.query(
    `SELECT * FROM ledger WHERE sku = $1 AND location_id = $2 AND ($3::bigint IS NULL OR seq < $3) ORDER BY seq DESC LIMIT $4`,
    [sku, locationId, before ?? null, limit],
  );
  return rows.map((r) => ({
    seq: r.seq,
    eventId: r.event_id,
    type: r.type,
    effect: r.effect,
    quantity: r.quantity,
    countedQuantity: r.counted_quantity,
    onHandBefore: r.on_hand_before,
    onHandAfter: r.on_hand_after,
    reservedBefore: r.reserved_before,
    reservedAfter: r.reserved_after,
    wentNegative: r.went_negative,
    occurredAt: r.occurred_at.toISOString(),
    appliedAt: r.applied_at.toISOString(),
    source: { system: r.source_system, instance: r.source_instance, document: r.source_document, line: r.source_line, entity: r.source_entity, position: r.source_position, raw: r.source_raw },
    kafka: r.kafka_topic === null ? null : { topic: r.kafka_topic, partition: r.kafka_partition, offset: r.kafka_offset },
    actor: r.actor,
    reason: r.reason,
    correlationId: r.correlation_id,
  }));
}
