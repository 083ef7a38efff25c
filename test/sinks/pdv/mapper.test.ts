import { deterministicEventId, pdvPostSchema, stockMovementSchema } from '../../../core/model';
import { PDV_ENTITY, tillEventToDraft } from '../../../sinks/pdv';
import { toMovement } from '../../../sinks/runtime';

const [sale, ret] = pdvPostSchema.parse([
  { id: 'T03-000184-2', type: 'SALE', sku: '10004711', quantity: 2, occurredAt: '2026-11-27T14:03:11-03:00', till: 'T03', cashier: 'C0412', receipt: 'T03-000184', line: 2 },
  { id: 'T01-000077-1', type: 'RETURN', sku: '10023456', quantity: 1, occurredAt: '2026-11-27T15:20:00Z', till: 'T01', reason: 'defeito' },
]);

describe('tillEventToDraft', () => {
  it('maps a SALE to a negative delta at the store, with its audit trail', () => {
    const event = toMovement(tillEventToDraft('S007', sale!), '2026-11-27T17:03:12.000Z');
    expect(event).toEqual({
      schema: 'stock.movement.v1',
      eventId: deterministicEventId('pdv', 'S007', 'T03-000184-2'),
      type: 'SALE',
      sku: '10004711',
      locationId: 'S007',
      quantity: -2,
      occurredAt: '2026-11-27T17:03:11.000Z', // normalized to UTC at the gate
      ingestedAt: '2026-11-27T17:03:12.000Z',
      source: { system: 'PDV', instance: 'S007', ref: { document: 'T03-000184', line: '2', entity: PDV_ENTITY }, position: 'T03-000184-2', raw: null },
      actor: 'S007/T03/C0412',
      reason: null,
      correlationId: 'T03-000184',
    });
  });

  it('maps a RETURN to a positive delta; absent optionals become null', () => {
    const draft = tillEventToDraft('S001', ret!);
    expect(stockMovementSchema.parse({ ...draft, schema: 'stock.movement.v1', ingestedAt: '2026-11-27T18:00:00Z' })).toMatchObject({
      type: 'RETURN',
      quantity: 1,
      actor: 'S001/T01',
      reason: 'defeito',
      correlationId: null,
      source: { ref: { document: null, line: null } },
    });
  });

  it('gives the same till id at two stores two event ids', () => {
    expect(tillEventToDraft('S001', sale!).eventId).not.toBe(tillEventToDraft('S002', sale!).eventId);
  });
});
