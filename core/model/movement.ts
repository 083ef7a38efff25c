import { z } from 'zod';
import { freeText, identifier } from './identifier';

/**
 * stock.movement.v1: the one shape every source is normalized into, and the only one the hub
 * reads. docs/events.md says how each type moves on-hand and reserved.
 */
export const MOVEMENT_SCHEMA_VERSION = 'stock.movement.v1';

export const MOVEMENT_TYPES = [
  'SALE',
  'RETURN',
  'RECEIPT',
  'TRANSFER_OUT',
  'TRANSFER_IN',
  'ADJUSTMENT',
  'DAMAGE',
  'COUNT',
  'RESERVE',
  'RELEASE',
] as const;
export const movementTypeSchema = z.enum(MOVEMENT_TYPES);
export type MovementType = z.infer<typeof movementTypeSchema>;

/** The sign a delta must carry, per type; COUNT carries countedQuantity instead. */
export const QUANTITY_SIGN: Record<Exclude<MovementType, 'COUNT'>, 'negative' | 'positive' | 'nonzero'> = {
  SALE: 'negative',
  RETURN: 'positive',
  RECEIPT: 'positive',
  TRANSFER_OUT: 'negative',
  TRANSFER_IN: 'positive',
  ADJUSTMENT: 'nonzero',
  DAMAGE: 'negative',
  RESERVE: 'positive',
  RELEASE: 'positive',
};

export const SOURCE_SYSTEMS = ['ERP', 'WMS', 'PDV', 'SHOPIFY', 'HUB'] as const;
export const sourceSystemSchema = z.enum(SOURCE_SYSTEMS);
export type SourceSystem = z.infer<typeof sourceSystemSchema>;

const isoDateTime = z.string().datetime({ offset: true });

export const movementSourceSchema = z
  .object({
    /** Which kind of system the change came from. */
    system: sourceSystemSchema,
    /** Which one: the connector name, the store id, the shop domain. */
    instance: identifier(1, 120),
    /** The business document behind the change, as the source names it. */
    ref: z
      .object({
        document: identifier(0, 120).nullable(),
        line: identifier(0, 40).nullable(),
        /** The table (CDC) or webhook topic / endpoint (HTTP) the change was read from. */
        entity: identifier(0, 120),
      })
      .strict(),
    /** Where in the source's log: PostgreSQL LSN, Oracle SCN, binlog file:pos, webhook id. */
    position: identifier(0, 200).nullable(),
    /** The raw Kafka record the event was derived from, when it came through a raw topic. */
    raw: z
      .object({ topic: z.string().min(1), partition: z.number().int().min(0), offset: z.string().regex(/^\d+$/) })
      .strict()
      .nullable(),
  })
  .strict();
export type MovementSource = z.infer<typeof movementSourceSchema>;

export const stockMovementSchema = z
  .object({
    schema: z.literal(MOVEMENT_SCHEMA_VERSION),
    /** Idempotency key: the same change always yields the same id, whoever delivers it again. */
    eventId: identifier(8, 128),
    type: movementTypeSchema,
    sku: identifier(1, 64),
    locationId: identifier(1, 32),
    /** Signed delta in units, for every type but COUNT (see QUANTITY_SIGN). */
    quantity: z.number().finite().optional(),
    /** Absolute counted units, for COUNT only. */
    countedQuantity: z.number().finite().min(0).optional(),
    /** Business time at the source: when the sale, receipt or count happened. */
    occurredAt: isoDateTime,
    /** When the hub first saw it. */
    ingestedAt: isoDateTime,
    source: movementSourceSchema,
    /** Who: the ERP user, the till and cashier, the WMS RF gun, the Shopify app or staff. */
    actor: freeText(120).nullable(),
    /** Why, in the source's words: movement type code, remark, cancel reason. */
    reason: freeText(240).nullable(),
    /** Ties the lines of one business document or order together. */
    correlationId: identifier(0, 120).nullable(),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (event.type === 'COUNT') {
      if (event.countedQuantity === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['countedQuantity'], message: 'COUNT needs countedQuantity' });
      }
      if (event.quantity !== undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['quantity'], message: 'COUNT carries countedQuantity, not quantity' });
      }
      return;
    }
    if (event.countedQuantity !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['countedQuantity'], message: `${event.type} carries quantity, not countedQuantity` });
    }
    const q = event.quantity;
    if (q === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['quantity'], message: `${event.type} needs quantity` });
      return;
    }
    const sign = QUANTITY_SIGN[event.type];
    const ok = sign === 'negative' ? q < 0 : sign === 'positive' ? q > 0 : q !== 0;
    if (!ok) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['quantity'], message: `${event.type} quantity must be ${sign}, got ${q}` });
  });
export type StockMovement = z.infer<typeof stockMovementSchema>;

/** What a normalizer produces before the envelope fields are stamped on. */
export type MovementDraft = Omit<StockMovement, 'schema' | 'ingestedAt'>;
