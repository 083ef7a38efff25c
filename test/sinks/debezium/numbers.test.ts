import { decodeNumber } from '../../../sinks/debezium';

describe('decodeNumber', () => {
  it.each([
    ['a JSON number', 12, undefined, 12],
    ['a decimal string', '-2.500', undefined, -2.5],
    ['a decimal string with exponent', '1.5E+2', undefined, 150],
    ['base64 Decimal bytes (positive)', 'ALuA', 3, 48],
    ['base64 Decimal bytes (negative, two\'s complement)', '/Bg=', 3, -1],
    ['a VariableScaleDecimal', { scale: 2, value: 'BNI=' }, undefined, 12.34],
  ])('reads %s', (_label, value, scale, expected) => {
    expect(decodeNumber(value, 'QTY', scale)).toBeCloseTo(expected, 10);
  });

  it.each([['text', 'abc'], ['null', null], ['an object', { a: 1 }], ['NaN', Number.NaN], ['empty bytes', '']])('refuses %s naming the column', (_label, value) => {
    expect(() => decodeNumber(value, 'QTYOH', _label === 'empty bytes' ? 3 : undefined)).toThrow(/column QTYOH/);
  });
});
