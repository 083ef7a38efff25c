import { GraphQLError } from 'graphql';

/**
 * The slice of Shopify's search syntax the hub uses. Anything else is refused with a GraphQL
 * error rather than ignored, so that a filter the emulator does not apply cannot pass silently.
 */

const notEmulated = (what: string, query: string): GraphQLError =>
  new GraphQLError(`not emulated: ${what} in query "${query}"`, { extensions: { code: 'NOT_EMULATED' } });

const unquote = (value: string): string => (/^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value);

/** `sku:A`, `sku:'A'`, `sku:A OR sku:B` (optionally in parentheses) -> the SKUs. */
export function parseSkuQuery(query: string): string[] {
  const body = query.trim().replace(/^\((.*)\)$/, '$1');
  return body.split(/\s+OR\s+/).map((term) => {
    const match = /^sku:('[^']*'|"[^"]*"|\S+)$/.exec(term.trim());
    if (!match) throw notEmulated(`search term "${term.trim()}" (only sku:X, OR-joined)`, query);
    return unquote(match[1]!);
  });
}

export type TimeField = 'createdAt' | 'updatedAt';
export interface TimeFilter {
  field: TimeField;
  op: '>' | '>=' | '<' | '<=' | '=';
  /** ms since the epoch. */
  at: number;
}

const TIME_FIELDS: Record<string, TimeField> = { updated_at: 'updatedAt', created_at: 'createdAt', processed_at: 'createdAt' };

// A term is field:value where the value may be quoted and hold spaces.
const TERM = /(\w+):(>=|<=|>|<)?('[^']*'|"[^"]*"|\S+)|\S+/g;

/** `updated_at:>'2026-11-29T10:00:00Z' created_at:<=2026-11-30` (AND-joined) -> filters; status:any is accepted. */
export function parseOrderQuery(query: string): TimeFilter[] {
  const filters: TimeFilter[] = [];
  for (const match of query.matchAll(TERM)) {
    const [term, key, op, raw] = match;
    if (term === 'AND') continue;
    if (key === 'status' && raw === 'any') continue;
    const field = key === undefined ? undefined : TIME_FIELDS[key];
    if (!field || raw === undefined) throw notEmulated(`search term "${term}" (only updated_at/created_at comparisons, AND-joined, and status:any)`, query);
    const at = Date.parse(unquote(raw));
    if (Number.isNaN(at)) throw new GraphQLError(`invalid date in search term "${term}"`, { extensions: { code: 'BAD_REQUEST' } });
    filters.push({ field, op: (op ?? '=') as TimeFilter['op'], at });
  }
  return filters;
}

/**
 * Compares at whole seconds, the precision Shopify stores and shows: a poller that asks for
 * updated_at:>T with the T it last saw misses what happened later in that second, as on Shopify.
 */
export function matchesTime(filters: TimeFilter[], record: Record<TimeField, number>): boolean {
  return filters.every(({ field, op, at }) => {
    const value = Math.floor(record[field] / 1000) * 1000;
    switch (op) {
      case '>':
        return value > at;
      case '>=':
        return value >= at;
      case '<':
        return value < at;
      case '<=':
        return value <= at;
      default:
        return value === Math.floor(at / 1000) * 1000;
    }
  });
}
