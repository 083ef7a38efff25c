import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkMovement, freeText, hasControlCharacter, identifier, stockMovementSchema } from '../../../core/model';

const sale = JSON.parse(readFileSync(resolve(__dirname, '../../../docs/events/examples/sale.json'), 'utf8')) as Record<string, unknown>;
const source = sale.source as { ref: Record<string, unknown> } & Record<string, unknown>;

describe('identifier: ids, SKUs, locations and documents carry no control character', () => {
  const sku = identifier(1, 64);

  it.each([['NUL', '1000\u00004711'], ['a line feed', '10004711\n'], ['a tab', '\t10004711'], ['U+001F', '1000\u001f4711'], ['DEL', '1000\u007f4711']])('refuses %s', (_case, value) => {
    expect(sku.safeParse(value).success).toBe(false);
    expect(hasControlCharacter(value)).toBe(true);
  });

  it('takes letters of any script, spaces and punctuation', () => {
    for (const value of ['10004711', 'CANECA-500 ML', 'Ação/ç#1', 'ü€']) {
      expect(sku.safeParse(value).success).toBe(true);
      expect(hasControlCharacter(value)).toBe(false);
    }
  });

  it('free text keeps line breaks but never NUL', () => {
    expect(freeText(240).safeParse('linha 1\nlinha 2\tfim').success).toBe(true);
    expect(freeText(240).safeParse('defeito\u0000').success).toBe(false);
  });
});

describe('the canonical movement holds to the same rule, under zod and on the hot path (ajv)', () => {
  it.each([
    ['sku', { ...sale, sku: '1000\u00004711' }],
    ['locationId', { ...sale, locationId: 'S0\u000701' }],
    ['eventId', { ...sale, eventId: `${String(sale.eventId)}\u007f` }],
    ['source.ref.document', { ...sale, source: { ...source, ref: { ...source.ref, document: 'NF\u0000123' } } }],
    ['reason', { ...sale, reason: 'defeito\u0000' }],
  ])('refuses a control character in %s', (field, event) => {
    expect(stockMovementSchema.safeParse(event).success).toBe(false);
    expect(checkMovement(event)).toMatchObject({ ok: false, field });
  });

  it('keeps a line break in a reason', () => {
    expect(checkMovement({ ...sale, reason: 'avaria\nno transporte' }).ok).toBe(true);
  });
});
