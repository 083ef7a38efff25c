import { StockHubError } from '../../../core/errors';
import type { MovementType, StockMovement } from '../../../core/model';
import { emptyLevel, levelKey, type Level } from '../../../hub/levels';
import type { Incoming } from '../../../hub/ledger';
import { applyMovements } from '../../../hub/levels/apply';

let n = 0;
function event(type: MovementType, at: string, amount: number, sku = 'A', locationId = 'S001', kafka: Incoming['kafka'] = { topic: 't', partition: 0, offset: String(n + 1) }): Incoming {
  const movement = {
    schema: 'stock.movement.v1',
    eventId: `ev-${++n}-${type}`,
    type,
    sku,
    locationId,
    ...(type === 'COUNT' ? { countedQuantity: amount } : { quantity: amount }),
    occurredAt: `2026-11-29T${at}:00.000Z`,
    ingestedAt: '2026-11-29T12:00:00.000Z',
    source: { system: 'PDV', instance: locationId, ref: { document: null, line: null, entity: 'test' }, position: null, raw: null },
    actor: null,
    reason: null,
    correlationId: null,
  } as StockMovement;
  return { event: movement, kafka };
}

const fresh = (...levels: Level[]) => new Map(levels.map((l) => [levelKey(l.sku, l.locationId), l]));
const noDeltas = () => 0;
const at = (hhmm: string) => Date.parse(`2026-11-29T${hhmm}:00.000Z`);
/** A reservation's steps as the API applies them: no Kafka position. */
const hubStep = (type: MovementType, time: string, amount: number) => event(type, time, amount, 'A', 'S001', null);

describe('applyMovements', () => {
  it('a count sets on-hand; a late delta older than the count is recorded as stale and changes nothing', () => {
    const levels = fresh(emptyLevel('A', 'S001'));
    const entries = applyMovements(levels, [event('RECEIPT', '08:00', 10), event('COUNT', '10:00', 50), event('SALE', '09:00', -3), event('SALE', '10:30', -2)], new Set(), noDeltas);
    expect(entries.map((e) => [e.event.type, e.effect, e.onHandAfter])).toEqual([
      ['RECEIPT', 'applied', 10],
      ['COUNT', 'applied', 50],
      ['SALE', 'stale', 50],
      ['SALE', 'applied', 48],
    ]);
    expect(levels.get('A@S001')).toMatchObject({ onHand: 48, lastCountAt: Date.parse('2026-11-29T10:00:00.000Z') });
  });

  it('a count that arrives after newer deltas re-adds them (it sets on-hand as of its own time)', () => {
    const level = { ...emptyLevel('A', 'S001'), onHand: 30, lastDeltaAt: Date.parse('2026-11-29T11:00:00.000Z') };
    const asked: number[] = [];
    const entries = applyMovements(fresh(level), [event('SALE', '11:30', -1), event('COUNT', '10:00', 20)], new Set(), (_s, _l, after) => {
      asked.push(after);
      return -4; // deltas already in the ledger after 10:00
    });
    // 20 counted at 10:00, -4 applied before this batch after 10:00, -1 in this batch at 11:30
    expect(entries[1]).toMatchObject({ effect: 'applied', onHandAfter: 15 });
    expect(asked).toEqual([Date.parse('2026-11-29T10:00:00.000Z')]);
  });

  it('a count older than the last count is stale', () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), onHand: 7, lastCountAt: Date.parse('2026-11-29T10:00:00.000Z') });
    expect(applyMovements(levels, [event('COUNT', '09:00', 99)], new Set(), noDeltas)[0]).toMatchObject({ effect: 'stale', onHandAfter: 7 });
  });

  it('applies an event id once, whether it was seen before or repeats in the batch', () => {
    const levels = fresh(emptyLevel('A', 'S001'));
    const receipt = event('RECEIPT', '08:00', 5);
    const seen = new Set([event('SALE', '08:30', -1).event.eventId]);
    const already = event('SALE', '08:30', -1);
    seen.add(already.event.eventId);
    const entries = applyMovements(levels, [receipt, receipt, already], seen, noDeltas);
    expect(entries).toHaveLength(1);
    expect(levels.get('A@S001')!.onHand).toBe(5);
  });

  it('lets a physical sale drive on-hand negative, and flags it', () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), onHand: 1 });
    const entries = applyMovements(levels, [event('SALE', '08:00', -1), event('SALE', '08:01', -1), event('RETURN', '08:02', 1)], new Set(), noDeltas);
    expect(entries.map((e) => [e.onHandAfter, e.wentNegative])).toEqual([[0, false], [-1, true], [0, false]]);
  });

  it('moves reserved only for RESERVE and RELEASE, and counts do not touch it', () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), onHand: 10 });
    applyMovements(levels, [event('RESERVE', '08:00', 3), event('COUNT', '09:00', 8), event('RELEASE', '09:30', 1)], new Set(), noDeltas);
    expect(levels.get('A@S001')).toMatchObject({ onHand: 8, reserved: 2 });
  });

  it('bumps the version of a level only when something applied', () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), lastCountAt: Date.parse('2026-11-29T10:00:00.000Z') });
    applyMovements(levels, [event('SALE', '09:00', -1)], new Set(), noDeltas);
    expect(levels.get('A@S001')!.version).toBe(0);
    applyMovements(levels, [event('SALE', '11:00', -1)], new Set(), noDeltas);
    expect(levels.get('A@S001')!.version).toBe(1);
  });

  it('moves last_delta_at with every applied delta, to the latest business time, and not with a stale one', () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), lastCountAt: at('09:00') });
    applyMovements(levels, [event('SALE', '10:00', -1), event('RECEIPT', '09:30', 4), event('SALE', '08:00', -1)], new Set(), noDeltas);
    expect(levels.get('A@S001')).toMatchObject({ onHand: 3, lastDeltaAt: at('10:00'), lastCountAt: at('09:00') });
  });

  it('leaves last_delta_at and on-hand alone for RESERVE and RELEASE, and never releases below zero', () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), onHand: 4, reserved: 1 });
    const entries = applyMovements(levels, [hubStep('RESERVE', '10:00', 2), hubStep('RELEASE', '10:05', 5)], new Set(), noDeltas);
    expect(entries.map((e) => [e.effect, e.reservedBefore, e.reservedAfter])).toEqual([['applied', 1, 3], ['applied', 3, 0]]);
    expect(levels.get('A@S001')).toMatchObject({ onHand: 4, reserved: 0, lastDeltaAt: null, version: 2 });
  });

  it("a reservation's sale is a delta like any other: a later count with an earlier business time re-adds it", () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), onHand: 5, reserved: 0, lastCountAt: at('08:00') });
    const sale = applyMovements(levels, [hubStep('RESERVE', '10:00', 1), hubStep('RELEASE', '10:01', 1), hubStep('SALE', '10:01', -1)], new Set(), noDeltas);
    expect(sale.map((e) => [e.event.type, e.effect, e.kafka, e.onHandAfter, e.reservedAfter])).toEqual([
      ['RESERVE', 'applied', null, 5, 1],
      ['RELEASE', 'applied', null, 5, 0],
      ['SALE', 'applied', null, 4, 0],
    ]);
    expect(levels.get('A@S001')!.lastDeltaAt).toBe(at('10:01'));

    // The ledger holds that sale after 09:00; the count of 5 at 09:00 arrives after it.
    const asked: number[] = [];
    const [count] = applyMovements(levels, [event('COUNT', '09:00', 5)], new Set(), (_s, _l, after) => {
      asked.push(after);
      return -1;
    });
    expect(count).toMatchObject({ effect: 'applied', onHandAfter: 4 });
    expect(asked).toEqual([at('09:00')]);
  });

  it("a count at or after a reservation's sale has it in its number: the sale is stale, the release still applies", () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), onHand: 3, reserved: 1, lastCountAt: at('10:01') });
    const entries = applyMovements(levels, [hubStep('RELEASE', '10:01', 1), hubStep('SALE', '10:01', -1)], new Set(), noDeltas);
    expect(entries.map((e) => [e.event.type, e.effect])).toEqual([['RELEASE', 'applied'], ['SALE', 'stale']]);
    expect(levels.get('A@S001')).toMatchObject({ onHand: 3, reserved: 0, lastDeltaAt: null });
  });

  it('does not flag a stale decrement as going negative', () => {
    const levels = fresh({ ...emptyLevel('A', 'S001'), onHand: -2, lastCountAt: at('10:00') });
    expect(applyMovements(levels, [event('SALE', '09:00', -1)], new Set(), noDeltas)[0]).toMatchObject({ effect: 'stale', wentNegative: false });
  });

  it('refuses a movement for a level the caller did not load', () => {
    expect(() => applyMovements(fresh(), [event('SALE', '09:00', -1)], new Set(), noDeltas)).toThrow(StockHubError);
  });
});
