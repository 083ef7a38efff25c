import { deterministicEventId, type MovementDraft, type TillEvent } from '../../core/model';

/** The endpoint, as `source.ref.entity` names it. */
export const PDV_ENTITY = 'POST /v1/stores/{storeId}/movements';

/**
 * One till event -> one canonical draft. The event id hashes the store and the till's own id
 * only, so a retried post (same events, new request) yields the same ids and the ledger applies
 * each once. The till's id is kept readable in `source.position`.
 */
export function tillEventToDraft(storeId: string, event: TillEvent): MovementDraft {
  return {
    eventId: deterministicEventId('pdv', storeId, event.id),
    type: event.type,
    sku: event.sku,
    locationId: storeId,
    quantity: event.type === 'SALE' ? -event.quantity : event.quantity,
    occurredAt: event.occurredAt,
    source: {
      system: 'PDV',
      instance: storeId,
      ref: { document: event.receipt ?? null, line: event.line ?? null, entity: PDV_ENTITY },
      position: event.id,
      raw: null,
    },
    actor: event.cashier ? `${storeId}/${event.till}/${event.cashier}` : `${storeId}/${event.till}`,
    reason: event.reason ?? null,
    correlationId: event.receipt ?? null,
  };
}
