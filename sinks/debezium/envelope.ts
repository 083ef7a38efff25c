import { z } from 'zod';
import { InvalidInputError } from '../../core/errors';

const row = z.record(z.unknown());

/**
 * A Debezium change event as the JSON converter writes it without schemas. Only what the sink
 * reads is checked; connector-specific source fields pass through.
 */
export const changeEventSchema = z.object({
  op: z.enum(['c', 'u', 'd', 'r', 't', 'm']),
  before: row.nullable().optional(),
  after: row.nullable().optional(),
  source: z.object({ connector: z.string(), name: z.string() }).passthrough(),
  ts_ms: z.number().optional(),
});
export type ChangeEvent = z.infer<typeof changeEventSchema>;

/** A tombstone (null value after a delete) carries nothing to map; the sink skips it. */
export type Decoded = { kind: 'tombstone' } | { kind: 'change'; event: ChangeEvent };

export function decodeChangeEvent(value: Buffer | null): Decoded {
  if (value === null || value.length === 0) return { kind: 'tombstone' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (cause) {
    throw new InvalidInputError('value is not JSON', null, { cause });
  }
  // The JSON converter with schemas enabled wraps the envelope in { schema, payload }.
  if (typeof json === 'object' && json !== null && 'payload' in json && 'schema' in json) json = (json as { payload: unknown }).payload;
  const parsed = changeEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`not a Debezium change event: ${issue.path.join('.') || '(root)'}: ${issue.message}`, issue.path.join('.'));
  }
  return { kind: 'change', event: parsed.data };
}
