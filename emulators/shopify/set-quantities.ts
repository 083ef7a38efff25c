import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { Logger } from '../../core/logging';
import type { IdempotencyKeys } from './idempotency';
import { graphqlTime } from './payloads';
import type { ItemRecord, LocationRecord, ShopState } from './state';
import type { EmulatorStats } from './stats';
import type { Views } from './views';

/** Shopify's inventory adjustment reasons (InventorySetQuantitiesInput.reason). */
export const REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_created',
  'movement_updated',
  'movement_received',
  'movement_canceled',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
]);
export const MAX_QUANTITIES = 250;
export const QUANTITY_LIMIT = 1_000_000_000;

interface QuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  /** Absent (refused), null (no check) or the level the caller last read (compare-and-set). */
  changeFromQuantity?: number | null;
}
interface SetQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: QuantityInput[];
}

export interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}
export type SetQuantitiesPayload = { inventoryAdjustmentGroup: object | null; userErrors: UserError[] };
type Payload = SetQuantitiesPayload;

export interface SetQuantitiesDeps {
  state: ShopState;
  views: Views;
  stats: EmulatorStats;
  idempotency: IdempotencyKeys<Payload>;
  /** Shopify's own latency, spent between claiming an idempotency key and applying. */
  delay: () => Promise<void>;
  /** A fault a test set on an item (control API): every quantity of it is refused with this. */
  refusalOf: (sku: string) => { code: string; message: string } | undefined;
  logger: Logger;
}

const failed = (userErrors: UserError[]): Payload => ({ inventoryAdjustmentGroup: null, userErrors });

/** The key of `@idempotent(key:)` on the field being resolved, if the caller put one there. */
function idempotencyKeyOf(info: GraphQLResolveInfo): string | null {
  const directive = info.schema.getDirective('idempotent');
  const node = info.fieldNodes[0];
  if (!directive || !node) return null;
  const values = getDirectiveValues(directive, node, info.variableValues);
  return typeof values?.key === 'string' ? values.key : null;
}

/**
 * inventorySetQuantities: every quantity is checked first and any userError applies nothing
 * (all or none, as on Shopify). `available` and `on_hand` are the same number here: nothing is
 * ever committed, so setting either moves both by the same delta.
 */
export function createSetQuantities(deps: SetQuantitiesDeps) {
  const { state, views, stats, idempotency, delay, refusalOf, logger } = deps;
  let groups = 0;

  function check(input: SetQuantitiesInput): { errors: UserError[]; targets: Array<{ item: ItemRecord; location: LocationRecord }> } {
    const errors: UserError[] = [];
    if (input.name !== 'available' && input.name !== 'on_hand') {
      errors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: "The quantity name must be either 'available' or 'on_hand'." });
    }
    if (!REASONS.has(input.reason)) errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'The specified reason is invalid.' });
    if (input.referenceDocumentUri != null && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(input.referenceDocumentUri)) {
      errors.push({ code: 'INVALID_REFERENCE_DOCUMENT', field: ['input', 'referenceDocumentUri'], message: 'The reference document URI is invalid.' });
    }
    const targets: Array<{ item: ItemRecord; location: LocationRecord }> = [];
    const pairs = new Set<string>();
    input.quantities.forEach((q, i) => {
      const at = (name?: string): string[] => ['input', 'quantities', String(i), ...(name ? [name] : [])];
      const error = (code: string, field: string[], message: string): void => void errors.push({ code, field, message });
      const item = views.itemByGid(q.inventoryItemId);
      const location = views.locationByGid(q.locationId);
      if (!item) return error('INVALID_INVENTORY_ITEM', at('inventoryItemId'), 'The specified inventory item could not be found.');
      if (!location) return error('INVALID_LOCATION', at('locationId'), 'The specified location could not be found.');
      if (!state.isStocked(item, location)) return error('ITEM_NOT_STOCKED_AT_LOCATION', at('locationId'), 'The inventory item is not stocked at the location.');
      const refusal = refusalOf(item.sku);
      if (refusal) return error(refusal.code, at('quantity'), refusal.message);
      if (q.quantity > QUANTITY_LIMIT) return error('INVALID_QUANTITY_TOO_HIGH', at('quantity'), "The quantity can't be higher than 1,000,000,000.");
      if (q.quantity < -QUANTITY_LIMIT) return error('INVALID_QUANTITY_TOO_LOW', at('quantity'), "The quantity can't be lower than -1,000,000,000.");
      const pair = `${item.legacyId}/${location.legacyId}`;
      if (pairs.has(pair)) return error('NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', at(), 'The combination of inventoryItemId and locationId must be unique.');
      pairs.add(pair);
      if (!('changeFromQuantity' in q)) return error('COMPARE_QUANTITY_REQUIRED', at('changeFromQuantity'), 'changeFromQuantity is required; pass null to skip the check.');
      if (q.changeFromQuantity !== null && q.changeFromQuantity !== item.available[location.index]) {
        return error('CHANGE_FROM_QUANTITY_STALE', at('changeFromQuantity'), 'The specified compare quantity is stale.');
      }
      targets.push({ item, location });
    });
    return { errors, targets };
  }

  function apply(input: SetQuantitiesInput, targets: Array<{ item: ItemRecord; location: LocationRecord }>): Payload {
    const now = Date.now();
    const changes: Array<{ name: string; delta: number; quantityAfterChange: number; item: ItemRecord; location: LocationRecord }> = [];
    input.quantities.forEach((q, i) => {
      const { item, location } = targets[i]!;
      const delta = q.quantity - item.available[location.index]!;
      if (delta === 0) return;
      state.setAvailable(item, location, q.quantity, 'api', true, now);
      for (const name of ['available', 'on_hand']) changes.push({ name, delta, quantityAfterChange: q.quantity, item, location });
      logger.debug({ sku: item.sku, location: location.hubCode, available: q.quantity, delta }, 'level set');
    });
    stats.applied(input.quantities.length);
    const group = {
      __typename: 'InventoryAdjustmentGroup',
      id: `gid://shopify/InventoryAdjustmentGroup/${60_000_000_001 + groups++}`,
      createdAt: graphqlTime(now),
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      app: null,
      staffMember: null,
      changes: (args: { inventoryItemIds?: string[] | null; locationIds?: string[] | null; quantityNames?: string[] | null }) =>
        changes
          .filter((c) => (!args.inventoryItemIds || args.inventoryItemIds.includes(c.item.gid)) && (!args.locationIds || args.locationIds.includes(c.location.gid)))
          .filter((c) => !args.quantityNames || args.quantityNames.includes(c.name))
          .map((c) => ({ __typename: 'InventoryChange', name: c.name, delta: c.delta, quantityAfterChange: c.quantityAfterChange, ledgerDocumentUri: null, item: () => views.item(c.item), location: () => views.location(c.location) })),
    };
    return { inventoryAdjustmentGroup: group, userErrors: [] };
  }

  return async (args: { input: SetQuantitiesInput }, _context: unknown, info: GraphQLResolveInfo): Promise<Payload> => {
    const { input } = args;
    stats.mutations++;
    if (input.quantities.length > MAX_QUANTITIES) {
      throw new GraphQLError(`The input array size of ${input.quantities.length} is greater than the maximum allowed of ${MAX_QUANTITIES}.`, {
        extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
      });
    }
    const key = idempotencyKeyOf(info);
    const claim = key === null ? null : idempotency.claim(key, input);
    if (claim?.kind === 'replay') {
      stats.idempotentReplays++;
      return claim.response;
    }
    if (claim?.kind === 'mismatch' || claim?.kind === 'concurrent') {
      const code = claim.kind === 'mismatch' ? 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' : 'IDEMPOTENCY_CONCURRENT_REQUEST';
      stats.userError(code);
      const message = claim.kind === 'mismatch' ? 'The same idempotency key was used with different parameters.' : 'A request with this idempotency key is still being processed.';
      return failed([{ code, field: null, message }]);
    }
    try {
      await delay();
      const { errors, targets } = check(input);
      for (const error of errors) stats.userError(error.code);
      const payload = errors.length > 0 ? failed(errors) : apply(input, targets);
      claim?.finish(payload);
      return payload;
    } catch (error) {
      claim?.abandon();
      throw error;
    }
  };
}
