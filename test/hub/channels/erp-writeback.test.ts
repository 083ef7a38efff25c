import type { MovementType, StockMovement } from '../../../core/model';
import { InvalidInputError } from '../../../core/errors';
import { loadInterfaceLimits } from '../../../hub/channels/erp-writeback/interface-limits';
import { erpTypeCodes, toInterfaceRow } from '../../../hub/channels/erp-writeback/interface-rows';

const movement = (system: StockMovement['source']['system'], type: MovementType, quantity: number | undefined, locationId = 'S003'): StockMovement => ({
  schema: 'stock.movement.v1',
  eventId: `ev-${system}-${type}`,
  type,
  sku: '10004711',
  locationId,
  ...(quantity === undefined ? { countedQuantity: 4 } : { quantity }),
  occurredAt: '2026-11-29T10:00:00.000Z',
  ingestedAt: '2026-11-29T10:00:01.000Z',
  source: { system, instance: 'x', ref: { document: 'RECEIPT-NUMBER-LONGER-THAN-20', line: null, entity: 'e' }, position: null, raw: null },
  actor: null,
  reason: null,
  correlationId: null,
});

describe('ERP write-back rows', () => {
  const codes = erpTypeCodes();
  const limits = loadInterfaceLimits();
  const rowsOf = (events: StockMovement[]) => events.map((e) => toInterfaceRow(e, codes, { WEB: 'DC01' }, limits)).filter((r) => r !== null);

  it('speaks the ERP codes of the one ERP mapping, without COUNT', () => {
    expect(codes.get('SALE')).toBe('SAL');
    expect(codes.get('RETURN')).toBe('RET');
    expect(codes.has('COUNT')).toBe(false);
  });

  it('writes back what moved in other systems, never what came from the ERP, nor counts or reservations', () => {
    const rows = rowsOf([movement('PDV', 'SALE', -2), movement('ERP', 'SALE', -1), movement('SHOPIFY', 'SALE', -1, 'WEB'), movement('WMS', 'COUNT', undefined), movement('HUB', 'RESERVE', 1)]);
    expect(rows).toEqual([
      { hubEventId: 'ev-PDV-SALE', itemCode: '10004711', branchCode: 'S003', typeCode: 'SAL', quantity: -2, document: 'RECEIPT-NUMBER-LONGE', occurredAt: '2026-11-29T10:00:00.000Z' },
      { hubEventId: 'ev-SHOPIFY-SALE', itemCode: '10004711', branchCode: 'DC01', typeCode: 'SAL', quantity: -1, document: 'RECEIPT-NUMBER-LONGE', occurredAt: '2026-11-29T10:00:00.000Z' },
    ]);
  });

  it('refuses, naming the column, a movement the interface table cannot hold (a legal 29-character till SKU)', () => {
    const long = { ...movement('PDV', 'SALE', -1), sku: 'SKU-WITH-TWENTY-NINE-CHARS-X1' };
    expect(long.sku).toHaveLength(29);
    expect(() => toInterfaceRow(long, codes, {}, limits)).toThrow(InvalidInputError);
    expect(() => toInterfaceRow(long, codes, {}, limits)).toThrow(/ITMCD takes at most 20 characters/);
    expect(() => toInterfaceRow(movement('PDV', 'SALE', -1, 'STORE-0042'), codes, {}, limits)).toThrow(/BRNCD/);
    expect(() => toInterfaceRow(movement('PDV', 'SALE', -0.0001), codes, {}, limits)).toThrow(/QTY is NUMBER\(12,3\)/);
    expect(() => toInterfaceRow(movement('PDV', 'RECEIPT', 1e10), codes, {}, limits)).toThrow(/QTY/);
    expect(toInterfaceRow(movement('PDV', 'RECEIPT', 123456789.125), codes, {}, limits)?.quantity).toBe(123456789.125);
  });
});
