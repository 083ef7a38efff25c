import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, InvalidInputError } from '../../../core/errors';

const textColumn = z
  .object({
    /** The column's width in characters (VARCHAR2(n CHAR) in Oracle). */
    maxLength: z.number().int().min(1),
    /** What a longer value does: `refuse` (the default) dead-letters the movement; `truncate` cuts it (a reference only). */
    overflow: z.enum(['refuse', 'truncate']).default('refuse'),
  })
  .strict();

/**
 * The column limits of the ERP's interface table ERPADM.HUBIMP (config/erp-writeback.json): what
 * the ERP can store.
 * A movement whose values do not fit is refused before the insert, with the column named, and
 * goes to the write-back's dead-letter topic instead of failing the insert for its whole batch.
 */
export const interfaceLimitsSchema = z
  .object({
    columns: z
      .object({
        HUBEVT: textColumn,
        ITMCD: textColumn,
        BRNCD: textColumn,
        DOCNO: textColumn,
        /** NUMBER(precision, scale): digits in all, and after the point. */
        QTY: z.object({ precision: z.number().int().min(1).max(38), scale: z.number().int().min(0).max(38) }).strict(),
      })
      .strict(),
  })
  .strict();
export type InterfaceLimits = z.infer<typeof interfaceLimitsSchema>;
export type TextColumn = keyof Omit<InterfaceLimits['columns'], 'QTY'>;

const LIMITS_FILE = resolve(__dirname, '../../../config/erp-writeback.json');

export function loadInterfaceLimits(path: string = LIMITS_FILE): InterfaceLimits {
  const parsed = interfaceLimitsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${path}: ${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
  }
  return parsed.data;
}

/** The value as the column can hold it, or an InvalidInputError naming the column. */
export function fitText(limits: InterfaceLimits, column: TextColumn, value: string): string {
  const { maxLength, overflow } = limits.columns[column];
  if ([...value].length <= maxLength) return value;
  if (overflow === 'truncate') return [...value].slice(0, maxLength).join('');
  throw new InvalidInputError(`${column} takes at most ${maxLength} characters; ${JSON.stringify(value)} has ${[...value].length}`, column);
}

export function fitQuantity(limits: InterfaceLimits, quantity: number): number {
  const { precision, scale } = limits.columns.QTY;
  const integerDigits = Math.trunc(Math.abs(quantity)).toString().length;
  const scaled = quantity * 10 ** scale;
  if (!Number.isFinite(quantity) || integerDigits > precision - scale || Math.abs(scaled - Math.round(scaled)) > 1e-6) {
    throw new InvalidInputError(`QTY is NUMBER(${precision},${scale}); ${quantity} does not fit`, 'QTY');
  }
  return quantity;
}
