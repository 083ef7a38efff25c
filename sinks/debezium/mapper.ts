import { InvalidInputError } from '../../core/errors';
import { QUANTITY_SIGN, deterministicEventId, type MovementDraft, type MovementType } from '../../core/model';
import type { ChangeEvent } from './envelope';
import type { SourceMapping, TableMapping } from './mapping-schema';
import { decodeNumber } from './numbers';
import { sourcePosition, sourceTable } from './position';
import { Row } from './row';

/** Where the raw record sat in Kafka; the fallback position, and part of the audit trail. */
export interface RawPosition {
  topic: string;
  partition: number;
  offset: string;
}

interface Context {
  source: SourceMapping;
  table: TableMapping;
  event: ChangeEvent;
  raw: RawPosition;
}

/**
 * Turns one Debezium change event into zero or more canonical movement drafts, following the
 * table's declarative mapping. Throws InvalidInputError (-> dead-letter topic) for anything it
 * cannot map; returns [] for changes that move no stock (a journal snapshot, a zero delta, an
 * ignored type code).
 */
export function mapChangeEvent(source: SourceMapping, table: TableMapping, event: ChangeEvent, raw: RawPosition): MovementDraft[] {
  const actual = sourceTable(event.source);
  if (actual.toLowerCase() !== table.table.toLowerCase()) {
    throw new InvalidInputError(`event is for table ${actual}, but topic ${raw.topic} is mapped to ${table.table}`, 'source.table');
  }
  const ctx: Context = { source, table, event, raw };
  return table.mode === 'journal' ? mapJournal(ctx) : mapBalance(ctx);
}

function mapJournal(ctx: Context): MovementDraft[] {
  const { event, table } = ctx;
  switch (event.op) {
    case 'r': // the journal's history is already in the balances' opening counts
      return [];
    case 'c': {
      const row = rowOf(event.after, 'after');
      if (isEcho(table, row)) return [];
      const type = journalType(table, row);
      if (type === null) return [];
      const quantity = journalQuantity(table, row, type);
      return [draft(ctx, row, type, quantity, reasonOf(table, row))];
    }
    case 'u': {
      const before = rowOf(event.before, 'before');
      const after = rowOf(event.after, 'after');
      const { sku, location, quantity, typeCode } = table.columns;
      const moved = [sku, location, quantity, typeCode!].filter((c) => String(before.get(c)) !== String(after.get(c)));
      if (moved.length === 0) return []; // a remark or flag edited: no stock effect
      throw new InvalidInputError(`journal row changed after insert (${moved.join(', ')}): needs a human decision`, moved[0]!);
    }
    case 'd': {
      const row = rowOf(event.before, 'before');
      const type = journalType(table, row);
      if (type === null) return [];
      if (type === 'COUNT') throw new InvalidInputError('a deleted COUNT journal row cannot be reversed', table.columns.typeCode!);
      const quantity = journalQuantity(table, row, type);
      return [draft(ctx, row, 'ADJUSTMENT', -quantity, `reversal of deleted journal row: ${reasonOf(table, row) ?? type}`)];
    }
    default:
      return [];
  }
}

function mapBalance(ctx: Context): MovementDraft[] {
  const { event, table } = ctx;
  const qty = (row: Row): number => decodeNumber(row.get(table.columns.quantity), table.columns.quantity, table.decimalScales[table.columns.quantity]);
  if (event.op === 'r') {
    const row = rowOf(event.after, 'after');
    return [draft(ctx, row, 'COUNT', qty(row), 'opening balance (snapshot)')];
  }
  if (table.onChange === 'ignore') return [];
  let row: Row;
  let delta: number;
  switch (event.op) {
    case 'c':
      row = rowOf(event.after, 'after');
      delta = qty(row);
      break;
    case 'u': {
      const before = rowOf(event.before, 'before');
      row = rowOf(event.after, 'after');
      for (const c of [table.columns.sku, table.columns.location]) {
        if (String(before.get(c)) !== String(row.get(c))) throw new InvalidInputError(`balance row moved to another ${c}`, c);
      }
      delta = qty(row) - qty(before);
      break;
    }
    case 'd':
      row = rowOf(event.before, 'before');
      delta = -qty(row);
      break;
    default:
      return [];
  }
  if (delta === 0) return [];
  return [draft(ctx, row, table.deltaType, delta, `balance ${event.op === 'u' ? 'changed' : event.op === 'c' ? 'created' : 'deleted'}`)];
}

/** The hub's own write-back, read back through CDC: already in the ledger under its first id. */
function isEcho(table: TableMapping, row: Row): boolean {
  const marker = table.echoMarker;
  return marker !== undefined && (row.text(marker.column) ?? '').startsWith(marker.prefix);
}

function journalType(table: TableMapping, row: Row): MovementType | null {
  const column = table.columns.typeCode!;
  const code = row.requiredText(column);
  if (table.ignoreTypeCodes.includes(code)) return null;
  const type = table.typeCodes[code];
  if (type === undefined) throw new InvalidInputError(`${column} '${code}' has no mapping in typeCodes`, column);
  return type;
}

function journalQuantity(table: TableMapping, row: Row, type: MovementType): number {
  const column = table.columns.quantity;
  const value = decodeNumber(row.get(column), column, table.decimalScales[column]);
  if (type === 'COUNT' || table.quantitySign === 'signed') return value;
  const sign = QUANTITY_SIGN[type];
  return sign === 'negative' ? -Math.abs(value) : Math.abs(value);
}

function reasonOf(table: TableMapping, row: Row): string | null {
  const code = row.text(table.columns.typeCode);
  const remark = row.text(table.columns.remark);
  return [code, remark].filter((part) => part !== null).join(': ') || null;
}

function draft(ctx: Context, row: Row, type: MovementType, quantity: number, reason: string | null): MovementDraft {
  const { source, table, event, raw } = ctx;
  const position = sourcePosition(event.source);
  const key = table.keyColumns.map((c) => String(row.get(c))).join('|');
  const locationCode = row.requiredText(table.columns.location);
  const document = row.text(table.columns.document);
  return {
    eventId: deterministicEventId(
      source.system.toLowerCase(),
      source.connector,
      position ?? `${raw.topic}/${raw.partition}/${raw.offset}`,
      table.table,
      event.op,
      key,
    ),
    type,
    sku: row.requiredText(table.columns.sku),
    locationId: table.locations[locationCode] ?? locationCode,
    ...(type === 'COUNT' ? { countedQuantity: quantity } : { quantity }),
    occurredAt: occurredAt(table, row, event),
    source: {
      system: source.system,
      instance: source.connector,
      ref: { document, line: row.text(table.columns.line), entity: table.table },
      position,
      raw,
    },
    actor: row.text(table.columns.actor),
    reason,
    correlationId: document,
  };
}

function occurredAt(table: TableMapping, row: Row, event: ChangeEvent): string {
  const column = table.columns.occurredAt;
  const value = column === undefined ? null : row.get(column);
  if (value === null || value === undefined) {
    const commitMs = (event.source as { ts_ms?: unknown }).ts_ms ?? event.ts_ms;
    if (typeof commitMs !== 'number') throw new InvalidInputError('no business time and no source commit time', column ?? 'source.ts_ms');
    return new Date(commitMs).toISOString();
  }
  const divisor = { ms: 1, us: 1_000, ns: 1_000_000, iso: 0 }[table.timeUnit];
  const date = table.timeUnit === 'iso' ? new Date(String(value)) : new Date(decodeNumber(value, column!) / divisor);
  if (Number.isNaN(date.getTime())) throw new InvalidInputError(`column ${column}: ${JSON.stringify(value)} is not a ${table.timeUnit} time`, column!);
  return date.toISOString();
}

function rowOf(values: Record<string, unknown> | null | undefined, side: 'before' | 'after'): Row {
  if (!values) throw new InvalidInputError(`change event has no ${side} image`, side);
  return new Row(values);
}
