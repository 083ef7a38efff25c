import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { MOVEMENT_TYPES, checkMovement, deterministicEventId, movementJsonSchema, stockMovementSchema } from '../../../core/model';

const DOCS = resolve(__dirname, '../../../docs/events');
const examples = readdirSync(join(DOCS, 'examples')).map((file) => ({
  file,
  event: JSON.parse(readFileSync(join(DOCS, 'examples', file), 'utf8')) as Record<string, unknown>,
}));

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateJson = ajv.compile(JSON.parse(readFileSync(join(DOCS, 'stock.movement.v1.schema.json'), 'utf8')));

describe('stock.movement.v1', () => {
  it('the committed JSON Schema is the one generated from the zod schema', () => {
    const committed = JSON.parse(readFileSync(join(DOCS, 'stock.movement.v1.schema.json'), 'utf8'));
    expect(committed).toEqual(movementJsonSchema());
  });

  it('has one example per movement type', () => {
    expect(examples.map((e) => e.event.type).sort()).toEqual([...MOVEMENT_TYPES].sort());
  });

  it.each(examples)('example $file is valid under zod and under the JSON Schema', ({ event }) => {
    expect(stockMovementSchema.safeParse(event).error?.issues ?? []).toEqual([]);
    expect(validateJson(event) ? [] : validateJson.errors).toEqual([]);
    expect(checkMovement(event)).toEqual({ ok: true, event });
  });

  const sale = examples.find((e) => e.event.type === 'SALE')!.event;
  const count = examples.find((e) => e.event.type === 'COUNT')!.event;
  const invalid: Array<[string, Record<string, unknown>]> = [
    ['a sale with a positive quantity', { ...sale, quantity: 1 }],
    ['a count without countedQuantity', { ...count, countedQuantity: undefined }],
    ['a count with a delta', { ...count, quantity: 3 }],
    ['a sale with countedQuantity', { ...sale, countedQuantity: 4 }],
    ['an unknown type', { ...sale, type: 'THEFT' }],
    ['an unknown field', { ...sale, colour: 'red' }],
    ['a local time without offset', { ...sale, occurredAt: '2026-11-27 10:15:00' }],
    ['a missing source', { ...sale, source: undefined }],
  ];
  it.each(invalid)('rejects %s under both schemas', (_label, event) => {
    const cleaned = JSON.parse(JSON.stringify(event)) as unknown;
    expect(stockMovementSchema.safeParse(cleaned).success).toBe(false);
    expect(validateJson(cleaned)).toBe(false);
    expect(checkMovement(cleaned).ok).toBe(false);
  });

  it('names the offending field from the hot-path validator', () => {
    expect(checkMovement({ ...sale, source: { ...(sale.source as object), system: 'FAX' } })).toMatchObject({ ok: false, field: 'source.system' });
    const { sku: _sku, ...noSku } = sale;
    expect(checkMovement(noSku)).toMatchObject({ ok: false, field: 'sku' });
  });
});

describe('deterministicEventId', () => {
  it('is stable for the same parts and differs when any part differs', () => {
    const id = deterministicEventId('erp', 'erp-stock-cdc', 'lsn:1', 'ERPADM.STKJRNL', '{"JRNLNO":"1"}');
    expect(id).toBe(deterministicEventId('erp', 'erp-stock-cdc', 'lsn:1', 'ERPADM.STKJRNL', '{"JRNLNO":"1"}'));
    expect(id).not.toBe(deterministicEventId('erp', 'erp-stock-cdc', 'lsn:2', 'ERPADM.STKJRNL', '{"JRNLNO":"1"}'));
    expect(deterministicEventId('x', 'ab', 'c')).not.toBe(deterministicEventId('x', 'a', 'bc'));
    expect(id).toMatch(/^erp-[\w-]{32}$/);
  });
});
