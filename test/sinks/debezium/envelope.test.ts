import { decodeChangeEvent } from '../../../sinks/debezium';

const envelope = { op: 'c', before: null, after: { ID: 1 }, source: { connector: 'postgresql', name: 'erp', lsn: 1 } };
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodeChangeEvent', () => {
  it('reads a schemaless envelope, and one wrapped in { schema, payload }', () => {
    expect(decodeChangeEvent(bytes(envelope))).toEqual({ kind: 'change', event: envelope });
    expect(decodeChangeEvent(bytes({ schema: { type: 'struct' }, payload: envelope }))).toEqual({ kind: 'change', event: envelope });
  });

  it('treats a null or empty value as a tombstone', () => {
    expect(decodeChangeEvent(null)).toEqual({ kind: 'tombstone' });
    expect(decodeChangeEvent(Buffer.alloc(0))).toEqual({ kind: 'tombstone' });
  });

  it.each([
    ['bytes that are not JSON', Buffer.from('{"op":'), /not JSON/],
    ['an array', bytes([envelope]), /\(root\)/],
    ['an unknown op', bytes({ ...envelope, op: 'x' }), /op: "x"/],
    ['a row that is not an object', bytes({ ...envelope, after: 'ID=1' }), /after: expected an object/],
    ['a source without connector', bytes({ ...envelope, source: { name: 'erp' } }), /source: expected/],
  ])('refuses %s with a reason', (_label, value, reason) => {
    expect(() => decodeChangeEvent(value)).toThrow(reason);
  });
});
