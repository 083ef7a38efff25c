import { z } from 'zod';

/**
 * What a till records and posts (through its store agent) to the PDV ingest: the contract the
 * agent and the ingest share.
 */

/** Most till events one post may carry; a store agent splits a longer outbox into batches. */
export const PDV_MAX_BATCH = 1000;

const optionalText = (max: number) => z.string().min(1).max(max).nullish();

/**
 * One sale or return as the till records it. Limits match the canonical event's, so that a post
 * that passes here always makes valid movements and a 400 names the till's field, not ours.
 * Optional fields may be absent or null.
 */
export const tillEventSchema = z
  .object({
    /** Minted at the till and unique within the store ("T03-000184-2"): the idempotency key. */
    id: z.string().min(1).max(64),
    type: z.enum(['SALE', 'RETURN']),
    sku: z.string().min(1).max(64),
    /** Units as the till counts them, always positive: the type gives the direction. */
    quantity: z.number().int().positive(),
    /** When it happened at the till, ISO-8601 with an offset (or Z). */
    occurredAt: z.string().datetime({ offset: true }),
    /** Terminal id within the store. */
    till: z.string().min(1).max(32),
    cashier: optionalText(32),
    /** Receipt (document) number; ties the lines of one sale together. */
    receipt: optionalText(120),
    /** Line on the receipt; tills send it as a number or a string. */
    line: z
      .union([z.string().min(1).max(40), z.number().int().min(0)])
      .transform(String)
      .nullish(),
    reason: optionalText(240),
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

/** A zod issue path as the caller wrote it: [3, 'quantity'] -> "[3].quantity"; the root -> null. */
export function fieldPath(path: ReadonlyArray<string | number>): string | null {
  if (path.length === 0) return null;
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
