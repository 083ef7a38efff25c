import { z } from 'zod';
import { freeText, identifier } from './identifier';

/**
 * What a till records and posts (through its store agent) to the PDV ingest: the contract the
 * agent and the ingest share.
 */

/** Most till events one post may carry; a store agent splits a longer outbox into batches. */
export const PDV_MAX_BATCH = 1000;

const optionalId = (max: number) => identifier(1, max).nullish();

/**
 * One sale or return as the till records it. Limits match the canonical event's, so that a post
 * that passes here always makes valid movements and a 400 names the till's field, not ours.
 * Optional fields may be absent or null.
 */
export const tillEventSchema = z
  .object({
    /** Minted at the till and unique within the store ("T03-000184-2"): the idempotency key. */
    id: identifier(1, 64),
    type: z.enum(['SALE', 'RETURN']),
    sku: identifier(1, 64),
    /** Units as the till counts them, always positive: the type gives the direction. */
    quantity: z.number().int().positive(),
    /** When it happened at the till, ISO-8601 with an offset (or Z). */
    occurredAt: z.string().datetime({ offset: true }),
    /** Terminal id within the store. */
    till: identifier(1, 32),
    cashier: optionalId(32),
    /** Receipt (document) number; ties the lines of one sale together. */
    receipt: optionalId(120),
    /** Line on the receipt; tills send it as a number or a string. */
    line: z
      .union([identifier(1, 40), z.number().int().min(0)])
      .transform(String)
      .nullish(),
    reason: freeText(240).min(1).nullish(),
  })
  .strict();
export type TillEvent = z.infer<typeof tillEventSchema>;

/** POST /v1/stores/{storeId}/movements: a JSON array of till events, refused as a whole if any is bad. */
export const pdvPostSchema = z
  .array(tillEventSchema)
  .min(1)
  .max(PDV_MAX_BATCH)
  .superRefine((events, ctx) => {
    const firstIndex = new Map<string, number>();
    events.forEach((event, index) => {
      const first = firstIndex.get(event.id);
      // Two events with one id would get one event id; the ledger would keep one and drop the other.
      if (first !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, 'id'], message: `duplicate id '${event.id}' (also at [${first}])` });
      else firstIndex.set(event.id, index);
    });
  });
export type PdvPost = z.infer<typeof pdvPostSchema>;

/**
 * What an edge refuses beyond the contract's shape, set per deployment (the sinks' and the store
 * agent's settings). Counts beat only older deltas, so a sale dated ahead is re-added by every
 * count until its date has passed: a till's clock may run ahead by the tolerance, no more. A
 * line of more units than any till sells is a keying slip (a barcode typed into the quantity)
 * that would otherwise zero a store's stock.
 */
export interface TillEventLimits {
  /** How far `occurredAt` may be ahead of the receiving clock, in milliseconds. */
  maxClockSkewMs: number;
  /** Most units one event may carry. */
  maxLineQuantity: number;
}
/** Default clock-skew tolerance, in seconds (5 minutes). */
export const DEFAULT_MAX_CLOCK_SKEW_S = 300;
/** Default per-line limit, in units. */
export const DEFAULT_MAX_LINE_QUANTITY = 10_000;

/** pdvPostSchema with the deployment's limits; `now` is the receiving clock, read at each parse. */
export function limitedPdvPostSchema(limits: TillEventLimits, now: () => number = Date.now) {
  return pdvPostSchema.superRefine((events, ctx) => {
    const latest = now() + limits.maxClockSkewMs;
    events.forEach((event, index) => {
      if (event.quantity > limits.maxLineQuantity) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, 'quantity'], message: `${event.quantity} units in one line; at most ${limits.maxLineQuantity}` });
      }
      const ahead = Date.parse(event.occurredAt) - latest;
      if (ahead > 0) {
        const tolerance = Math.round(limits.maxClockSkewMs / 1000);
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, 'occurredAt'], message: `${event.occurredAt} is in the future (more than the ${tolerance} s clock-skew tolerance ahead)` });
      }
    });
  });
}

/** A zod issue path as the caller wrote it: [3, 'quantity'] -> "[3].quantity"; the root -> null. */
export function fieldPath(path: ReadonlyArray<string | number>): string | null {
  if (path.length === 0) return null;
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
