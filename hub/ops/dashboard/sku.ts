import type { Pool } from 'pg';

export interface SkuLevel {
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  available: number;
  version: number;
  updatedAt: string;
}

/** One ledger row, with everything that leads back to the source: system, document, offset. */
export interface TrailEntry {
  seq: number;
  appliedAt: string;
  occurredAt: string;
  locationId: string;
  type: string;
  quantity: number | null;
  countedQuantity: number | null;
  effect: 'applied' | 'stale';
  onHandBefore: number;
  onHandAfter: number;
  wentNegative: boolean;
  eventId: string;
  source: { system: string; instance: string; document: string | null; line: string | null; position: string | null };
  kafka: { topic: string; partition: number; offset: number } | null;
}

export interface SkuView {
  sku: string;
  levels: SkuLevel[];
  trail: TrailEntry[];
}

// stock_levels' primary key starts with sku; ledger_sku_location (sku, location_id, seq) serves
// the trail: all of one SKU's rows, then the newest `limit` of them.
const LEVELS_SQL = `SELECT location_id, on_hand, reserved, safety_stock, version, updated_at
  FROM stock_levels WHERE sku = $1 ORDER BY location_id`;
const TRAIL_SQL = `SELECT seq, applied_at, occurred_at, location_id, type, quantity, counted_quantity, effect,
    on_hand_before, on_hand_after, went_negative, event_id, source_system, source_instance, source_document,
    source_line, source_position, kafka_topic, kafka_partition, kafka_offset
  FROM ledger WHERE sku = $1 ORDER BY seq DESC LIMIT $2`;

/** A SKU's level at every location and its newest ledger rows. */
export async function readSku(pool: Pool, sku: string, limit: number): Promise<SkuView> {
  const [levels, trail] = await Promise.all([pool.query(LEVELS_SQL, [sku]), pool.query(TRAIL_SQL, [sku, limit])]);
  return {
    sku,
    levels: levels.rows.map((r) => ({
      locationId: r.location_id,
      onHand: Number(r.on_hand),
      reserved: Number(r.reserved),
      safetyStock: Number(r.safety_stock),
      available: Number(r.on_hand) - Number(r.reserved) - Number(r.safety_stock),
      version: Number(r.version),
      updatedAt: (r.updated_at as Date).toISOString(),
    })),
    trail: trail.rows.map((r) => ({
      seq: Number(r.seq),
      appliedAt: (r.applied_at as Date).toISOString(),
      occurredAt: (r.occurred_at as Date).toISOString(),
      locationId: r.location_id,
      type: r.type,
      quantity: r.quantity === null ? null : Number(r.quantity),
      countedQuantity: r.counted_quantity === null ? null : Number(r.counted_quantity),
      effect: r.effect,
      onHandBefore: Number(r.on_hand_before),
      onHandAfter: Number(r.on_hand_after),
      wentNegative: r.went_negative,
      eventId: r.event_id,
      source: { system: r.source_system, instance: r.source_instance, document: r.source_document, line: r.source_line, position: r.source_position },
      kafka: r.kafka_topic === null ? null : { topic: r.kafka_topic, partition: Number(r.kafka_partition), offset: Number(r.kafka_offset) },
    })),
  };
}
