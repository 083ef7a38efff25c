import { InvalidInputError } from '../../core/errors';

/**
 * Case-insensitive access to a change event's row: mappings name columns once, whatever case the
 * source uses (Oracle upper, MySQL lower, PostgreSQL as quoted).
 */
export class Row {
  private readonly byLowerName = new Map<string, unknown>();

  constructor(values: Record<string, unknown>) {
    for (const [name, value] of Object.entries(values)) this.byLowerName.set(name.toLowerCase(), value);
  }

  has(column: string): boolean {
    return this.byLowerName.has(column.toLowerCase());
  }

  /** The raw value; a column missing from the row is a mapping/input error. */
  get(column: string): unknown {
    const key = column.toLowerCase();
    if (!this.byLowerName.has(key)) throw new InvalidInputError(`column ${column} is missing from the row`, column);
    return this.byLowerName.get(key);
  }

  /** A trimmed string (CHAR columns arrive blank-padded), or null. */
  text(column: string | undefined): string | null {
    if (column === undefined) return null;
    const value = this.get(column);
    if (value === null || value === undefined) return null;
    const text = String(value).trim();
    return text === '' ? null : text;
  }

  requiredText(column: string): string {
    const text = this.text(column);
    if (text === null) throw new InvalidInputError(`column ${column} is empty`, column);
    return text;
  }
}
