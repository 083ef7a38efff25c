import { InvalidInputError } from '../../core/errors';

/**
 * A Debezium change event as the JSON converter writes it without schemas. Only what the sink
 * reads is checked; connector-specific source fields pass through. Checked by hand rather than
 * with zod: this runs on every CDC record, and a schema parse of every row costs a third of the
 * sink's throughput.
 */
export interface ChangeEvent {
  op: 'c' | 'u' | 'd' | 'r' | 't' | 'm';
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  source: { connector: string; name: string } & Record<string, unknown>;
  ts_ms?: number;
}

/** A tombstone (null value after a delete) carries nothing to map; the sink skips it. */
export type Decoded = { kind: 'tombstone' } | { kind: 'change'; event: ChangeEvent };

const OPS = new Set(['c', 'u', 'd', 'r', 't', 'm']);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function decodeChangeEvent(value: Buffer | null): Decoded {
  if (value === null || value.length === 0) return { kind: 'tombstone' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (cause) {
    throw new InvalidInputError('value is not JSON', null, { cause });
  }
  // The JSON converter with schemas enabled wraps the envelope in { schema, payload }.
  if (isObject(json) && 'payload' in json && 'schema' in json) json = json.payload;
  if (!isObject(json)) throw new InvalidInputError('not a Debezium change event: (root): expected an object', '(root)');
  if (typeof json.op !== 'string' || !OPS.has(json.op)) throw new InvalidInputError(`not a Debezium change event: op: ${JSON.stringify(json.op)}`, 'op');
  for (const side of ['before', 'after'] as const) {
    const row = json[side];
    if (row !== undefined && row !== null && !isObject(row)) throw new InvalidInputError(`not a Debezium change event: ${side}: expected an object or null`, side);
  }
  const source = json.source;
  if (!isObject(source) || typeof source.connector !== 'string' || typeof source.name !== 'string') {
    throw new InvalidInputError('not a Debezium change event: source: expected { connector, name, ... }', 'source');
  }
  return { kind: 'change', event: json as unknown as ChangeEvent };
}
