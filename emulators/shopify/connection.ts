import { GraphQLError } from 'graphql';

/** Shopify's page-size ceiling for every connection. */
export const MAX_PAGE_SIZE = 250;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Opaque to clients; here the base64 of a position (or of an id, for lists that grow in the middle). */
export const encodeCursor = (value: string | number): string => Buffer.from(`c:${value}`).toString('base64');

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (!text.startsWith('c:')) throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_REQUEST' } });
  return text.slice(2);
}

/** `first`, checked as Shopify checks it: forward pagination only here, at most 250. */
export function pageSize(args: PageArgs): number {
  if (args.last != null || args.before != null) throw new GraphQLError('not emulated: backward pagination (last/before)', { extensions: { code: 'NOT_EMULATED' } });
  if (args.first == null) throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  if (args.first < 0 || args.first > MAX_PAGE_SIZE) throw new GraphQLError(`The page size must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_REQUEST' } });
  return args.first;
}

/**
 * One page of `count` entries starting at `start`: nodes, edges and pageInfo, with a node built
 * only for the entries on the page (a list may hold 50,000 items).
 */
export function page<T>(count: number, start: number, size: number, at: (position: number) => T, cursorOf: (position: number) => string = encodeCursor): object {
  const end = Math.min(count, start + size);
  const nodes: T[] = [];
  const cursors: string[] = [];
  for (let position = start; position < end; position++) {
    nodes.push(at(position));
    cursors.push(cursorOf(position));
  }
  return {
    nodes,
    edges: nodes.map((node, i) => ({ cursor: cursors[i], node })),
    pageInfo: {
      hasNextPage: end < count,
      hasPreviousPage: start > 0,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
  };
}

/** A page of an array, with position cursors. */
export function arrayPage<T, V>(list: readonly T[], args: PageArgs, toNode: (entry: T) => V): object {
  const size = pageSize(args);
  const start = args.after ? Number(decodeCursor(args.after)) + 1 : 0;
  if (!Number.isInteger(start) || start < 0) throw new GraphQLError('Invalid cursor for current pagination sort.', { extensions: { code: 'BAD_REQUEST' } });
  return page(list.length, start, size, (position) => toNode(list[position]!));
}
