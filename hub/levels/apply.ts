import { StockHubError } from '../../core/errors';
import type { Incoming, LedgerEntry } from '../ledger';
import { levelKey, type Level } from './level';

/**
 * Sum of the deltas already applied to a level with business time after `afterMs`: a COUNT that
 * arrives late must not wipe them out. The store answers it from the ledger (only asked when the
 * level has a delta newer than the count).
 */
export type DeltasAfter = (sku: string, locationId: string, afterMs: number) => number;

const ON_HAND_TYPES = new Set(['SALE', 'RETURN', 'RECEIPT', 'TRANSFER_OUT', 'TRANSFER_IN', 'ADJUSTMENT', 'DAMAGE']);

/**
 * The one rule of how a movement changes a level. Every writer of levels goes through it (the
 * reconciler's batches, the reservation API's steps): a late count is only right if every delta
 * it must re-add moved last_delta_at and is an applied ledger entry. Applies the movements, in
 * order, to the levels they touch (mutated in place), and says what each did. Pure: the caller
 * loads the levels and the ids already in the ledger, and stores the entries and levels in one
 * transaction.
 *
 * - An event id already in the ledger (or earlier in the batch) is skipped: exactly-once effect.
 * - COUNT sets on-hand as of its business time: counted + the deltas applied after that time.
 *   A count older than the last count is stale.
 * - A delta at or before the last count is stale: recorded, changes nothing (a store replaying
 *   sales after an outage cannot corrupt a fresh count).
 * - A sale may drive on-hand negative: a fact, flagged on its ledger entry (every decrement that
 *   leaves on-hand below zero).
 * - RESERVE / RELEASE move reserved only (whether a unit may be reserved is the caller's
 *   decision, taken on the locked row).
 * - The version goes up by one for every movement that applied.
 */
export function applyMovements(levels: Map<string, Level>, batch: readonly Incoming[], seen: Set<string>, deltasAfter: DeltasAfter): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  const batchDeltas = new Map<string, Array<{ at: number; quantity: number }>>();
  for (const { event, kafka } of batch) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    const key = levelKey(event.sku, event.locationId);
    const level = levels.get(key);
    if (level === undefined) throw new StockHubError(`level ${key} was not loaded`);
    const at = Date.parse(event.occurredAt);
    const before = { onHand: level.onHand, reserved: level.reserved };
    let effect: LedgerEntry['effect'] = 'applied';
    if (event.type === 'COUNT') {
      if (level.lastCountAt !== null && at < level.lastCountAt) effect = 'stale';
      else {
        const later = (level.lastDeltaAt !== null && level.lastDeltaAt > at ? deltasAfter(event.sku, event.locationId, at) : 0)
          + (batchDeltas.get(key) ?? []).filter((d) => d.at > at).reduce((sum, d) => sum + d.quantity, 0);
        level.onHand = event.countedQuantity! + later;
        level.lastCountAt = at;
      }
    } else if (ON_HAND_TYPES.has(event.type)) {
      if (level.lastCountAt !== null && at <= level.lastCountAt) effect = 'stale';
      else {
        level.onHand += event.quantity!;
        level.lastDeltaAt = Math.max(level.lastDeltaAt ?? at, at);
        const list = batchDeltas.get(key) ?? [];
        list.push({ at, quantity: event.quantity! });
        batchDeltas.set(key, list);
      }
    } else if (event.type === 'RESERVE') level.reserved += event.quantity!;
    else level.reserved = Math.max(0, level.reserved - event.quantity!);
    if (effect === 'applied') level.version += 1;
    entries.push({
      event,
      kafka,
      effect,
      onHandBefore: before.onHand,
      onHandAfter: level.onHand,
      reservedBefore: before.reserved,
      reservedAfter: level.reserved,
      wentNegative: effect === 'applied' && level.onHand < 0 && level.onHand < before.onHand,
    });
  }
  return entries;
}
