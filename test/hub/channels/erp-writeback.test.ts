import type { MovementType, StockMovement } from '../../../core/model';
import { erpTypeCodes, toInterfaceRows } from '../../../hub/channels/erp-writeback/interface-rows';

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

  it('speaks the ERP codes of the one ERP mapping, without COUNT', () => {
    expect(codes.get('SALE')).toBe('SAL');
    expect(codes.get('RETURN')).toBe('RET');
    expect(codes.has('COUNT')).toBe(false);
  });

  it('writes back what moved in other systems, never what came from the ERP, nor counts or reservations', () => {
    const rows = toInterfaceRows(
      [movement('PDV', 'SALE', -2), movement('ERP', 'SALE', -1), movement('SHOPIFY', 'SALE', -1, 'WEB'), movement('WMS', 'COUNT', undefined), movement('HUB', 'RESERVE', 1)],
      codes,
      { WEB: 'DC01' },
    );
    expect(rows).toEqual([
      { hubEventId: 'ev-PDV-SALE', itemCode: '10004711', branchCode: 'S003', typeCode: 'SAL', quantity: -2, document: 'RECEIPT-NUMBER-LONGE', occurredAt: '2026-11-29T10:00:00.000Z' },
      { hubEventId: 'ev-SHOPIFY-SALE', itemCode: '10004711', branchCode: 'DC01', typeCode: 'SAL', quantity: -1, document: 'RECEIPT-NUMBER-LONGE', occurredAt: '2026-11-29T10:00:00.000Z' },
    ]);
  });
});
