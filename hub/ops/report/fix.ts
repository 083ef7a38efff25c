import { CompressionTypes, type Producer } from 'kafkajs';
import { MOVEMENT_SCHEMA_VERSION, deterministicEventId, stockMovementSchema, type StockMovement } from '../../../core/model';
import type { Clock } from './clock';
import type { DriftRow } from './compare';
import type { HubLevels } from './hub-levels';

export interface FixContext {
  /** Part of every event id: a fix retried with the same run id is applied once. */
  runId: string;
  /** ops:<user> */
  actor: string;
  /** ingestedAt of the movements. */
  now: Date;
}

export type FixPlan = { row: DriftRow; movement: StockMovement } | { row: DriftRow; skipped: string };

/**
 * The on-hand that makes the hub agree with the trusted system: its own on-hand for a system
 * that keeps one; for one that shows `available` (Shopify), the hub's reserved and safety stock
 * added back, since those stay as the hub holds them. Null when the system has no number.
 */
export function countedOnHand(row: DriftRow): number | null {
  if (row.value === null) return null;
  return row.measure === 'onHand' ? row.value : row.value + row.level.reserved + row.level.safetyStock;
}

export const fixEventId = (runId: string, row: Pick<DriftRow, 'system' | 'sku' | 'location'>): string =>
  deterministicEventId('hub-recon', runId, row.system, row.sku, row.location);

/**
 * A corrective COUNT as of the moment the system was read: the reconciler then re-adds the
 * deltas the hub applied after that moment, so movements in flight during the report are kept.
 * Validated with the canonical schema before it goes anywhere.
 */
export function fixMovement(row: DriftRow, context: FixContext): StockMovement {
  const counted = countedOnHand(row);
  if (counted === null) throw new Error(`${row.system} has no number for ${row.sku}@${row.location}`);
  const unit = row.measure === 'available' ? ' available' : '';
  return stockMovementSchema.parse({
    schema: MOVEMENT_SCHEMA_VERSION,
    eventId: fixEventId(context.runId, row),
    type: 'COUNT',
    sku: row.sku,
    locationId: row.location,
    countedQuantity: counted,
    occurredAt: row.readAt,
    ingestedAt: context.now.toISOString(),
    source: {
      system: 'HUB',
      instance: 'stockhub-reconcile',
      ref: { document: context.runId, line: null, entity: `reconcile:${row.system}` },
      position: null,
      raw: null,
    },
    actor: context.actor.slice(0, 120),
    reason: `reconciliation: ${row.system} showed ${row.value}${unit}, hub had ${row.hub}${unit}`,
    correlationId: context.runId,
  });
}

/** The drifts of the trusted system (erp, wms, shopify) as corrective counts, or why one cannot be corrected. */
export function planFixes(rows: readonly DriftRow[], context: FixContext): FixPlan[] {
  return rows.map((row) => {
    // An agent's copy is a cache of the hub: it is repaired from the hub (agent-fix-run.ts), never counted into it.
    if (row.system === 'agents') return { row, skipped: 'a store agent is repaired from the hub, not trusted for a count' };
    const counted = countedOnHand(row);
    if (counted === null) return { row, skipped: `${row.system} has no record to trust` };
    // A count cannot be negative: an oversold Shopify level is the channel's to settle, not a count's.
    if (counted < 0) return { row, skipped: `the on-hand it implies (${counted}) is negative` };
    return { row, movement: fixMovement(row, context) };
  });
}

/** Into stock.movements, keyed by SKU like every movement, through the reconciler's usual path. */
export async function sendFixes(producer: Producer, topic: string, movements: readonly StockMovement[]): Promise<void> {
  if (movements.length === 0) return;
  await producer.send({
    topic,
    acks: -1,
    compression: CompressionTypes.None,
    messages: movements.map((m) => ({
      key: m.sku,
      value: JSON.stringify(m),
      headers: { eventId: m.eventId, schema: m.schema, 'source.system': m.source.system },
    })),
  });
}

/** Polls the ledger until every id has been applied (or recorded stale), or the time is up. */
export async function awaitLedger(hub: Pick<HubLevels, 'ledgerEffects'>, eventIds: readonly string[], clock: Clock, timeoutMs: number, signal: AbortSignal): Promise<Map<string, string>> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const effects = await hub.ledgerEffects(eventIds);
    if (effects.size === eventIds.length || clock.now() >= deadline || signal.aborted) return effects;
    await clock.sleep(250, signal).catch(() => undefined);
  }
}
