import { z } from 'zod';
import { InvalidInputError } from '../../core/errors';
import { identifier } from '../../core/model';

const sku = identifier(1, 64);

export const stockQuerySchema = z.object({ skus: z.array(sku).min(1).max(500) }).strict();
export type StockQuery = z.infer<typeof stockQuerySchema>;

export const reserveSchema = (maxTtlSeconds: number, maxQuantity: number) =>
  z
    .object({
      sku,
      /** A location id, or "any": the location with the most available. */
      locationId: identifier(1, 32),
      quantity: z.number().int().positive().max(maxQuantity),
      /** Seconds until the reservation is released by itself. Default 900 (15 min). */
      ttlSeconds: z.number().int().positive().max(maxTtlSeconds).default(900),
      /** The caller's order or basket id. */
      reference: identifier(0, 120).nullable().default(null),
    })
    .strict();
export type ReserveBody = z.infer<ReturnType<typeof reserveSchema>>;

export const ledgerQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Entries with seq below this (paging backwards). */
  before: z.coerce.number().int().positive().optional(),
});

/** Validation once, at the edge: the first issue becomes a 400 naming the field. */
export function parse<S extends z.ZodTypeAny>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || '(body)';
  throw new InvalidInputError(`${field}: ${issue.message}`, field);
}
