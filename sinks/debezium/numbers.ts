import { InvalidInputError } from '../../core/errors';

/**
 * Reads a number in any of Debezium's encodings, as JSON without schemas delivers them:
 * - a JSON number (INT, double, `decimal.handling.mode=double`, Oracle NUMBER(p,0) as INT64);
 * - a decimal string (`decimal.handling.mode=string`);
 * - base64 big-endian two's-complement bytes (`precise` Decimal): the scale is not in the
 *   payload without schemas, so the mapping must declare it;
 * - a VariableScaleDecimal object `{ scale, value }` (Oracle NUMBER without precision).
 */
export function decodeNumber(value: unknown, column: string, bytesScale?: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (bytesScale === undefined && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
    if (bytesScale !== undefined) return decodeDecimalBytes(trimmed, bytesScale, column);
  }
  if (typeof value === 'object' && value !== null && 'scale' in value && 'value' in value) {
    const { scale, value: bytes } = value as { scale: unknown; value: unknown };
    if (typeof scale === 'number' && typeof bytes === 'string') return decodeDecimalBytes(bytes, scale, column);
  }
  throw new InvalidInputError(`column ${column}: ${JSON.stringify(value)} is not a number in any Debezium encoding`, column);
}

function decodeDecimalBytes(base64: string, scale: number, column: string): number {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length === 0) {
    throw new InvalidInputError(`column ${column}: ${JSON.stringify(base64)} is not base64 Decimal bytes`, column);
  }
  const bytes = Buffer.from(base64, 'base64');
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) unscaled -= 1n << BigInt(bytes.length * 8);
  return Number(unscaled) / 10 ** scale;
}
