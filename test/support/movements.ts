import { deterministicEventId, type StockMovement } from '../../core/model';

/**
 * A canonical COUNT as a cycle count in the WMS would produce it, for tests and benchmarks that
 * give their own SKUs opening stock straight on stock.movements. `instance` and `run` keep the
 * event ids of different runs apart.
 */
export function countMovement(instance: string, run: string, sku: string, locationId: string, quantity: number): StockMovement {
  const now = new Date().toISOString();
  return {
    schema: 'stock.movement.v1',
    eventId: deterministicEventId('wms', instance, run, sku, locationId),
    type: 'COUNT',
    sku,
    locationId,
    countedQuantity: quantity,
    occurredAt: now,
    ingestedAt: now,
    source: { system: 'WMS', instance, ref: { document: `CC-${run}`, line: null, entity: 'test' }, position: null, raw: null },
    actor: instance,
    reason: 'cycle count',
    correlationId: null,
  } as StockMovement;
}
