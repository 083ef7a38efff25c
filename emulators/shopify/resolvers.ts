import { defaultFieldResolver, GraphQLError, isNonNullType, type GraphQLFieldResolver } from 'graphql';
import { arrayPage, type PageArgs } from './connection';
import { matchesTime, parseOrderQuery, parseSkuQuery } from './search';
import { createSetQuantities, type SetQuantitiesDeps } from './set-quantities';
import type { OrderRecord } from './state';

type Query = { query?: string | null; reverse?: boolean | null; sortKey?: string | null } & PageArgs;

const ORDER_SORT: Record<string, (o: OrderRecord) => number> = {
  ID: (o) => Number(o.id),
  CREATED_AT: (o) => o.createdAt,
  PROCESSED_AT: (o) => o.createdAt,
  UPDATED_AT: (o) => o.updatedAt,
};

/** The emulated root fields: what the hub reads and writes, nothing more. */
export function createRootValues(deps: SetQuantitiesDeps): { query: object; mutation: object } {
  const { state, views } = deps;
  const query = {
    shop: () => views.shop(),
    locations: (args: PageArgs & { query?: string | null }) => {
      if (args.query) throw new GraphQLError('not emulated: locations(query:)', { extensions: { code: 'NOT_EMULATED' } });
      return arrayPage(state.locations, args, (l) => views.location(l));
    },
    // Without an id Shopify answers with the shop's primary location.
    location: ({ id }: { id?: string | null }) => {
      const location = id == null ? state.locations[0] : views.locationByGid(id);
      return location ? views.location(location) : null;
    },
    inventoryItems: (args: Query) => views.itemPage(args, args.query ? parseSkuQuery(args.query) : null),
    inventoryItem: ({ id }: { id: string }) => {
      const item = views.itemByGid(id);
      return item ? views.item(item) : null;
    },
    inventoryLevel: ({ id }: { id: string }) => (/^gid:\/\/shopify\/InventoryLevel\//.test(id) ? views.node(id) : null),
    node: ({ id }: { id: string }) => views.node(id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => views.node(id)),
    order: ({ id }: { id: string }) => (/^gid:\/\/shopify\/Order\//.test(id) ? views.node(id) : null),
    orders: (args: Query) => {
      const sortKey = args.sortKey ?? 'ID';
      const keyOf = ORDER_SORT[sortKey];
      if (!keyOf) throw new GraphQLError(`not emulated: orders(sortKey: ${sortKey})`, { extensions: { code: 'NOT_EMULATED' } });
      const filters = args.query ? parseOrderQuery(args.query) : [];
      const orders = state.orders.filter((o) => matchesTime(filters, o)).sort((a, b) => keyOf(a) - keyOf(b) || Number(a.id) - Number(b.id));
      if (args.reverse) orders.reverse();
      return arrayPage(orders, args, (o) => views.order(o));
    },
  };
  const mutation = { inventorySetQuantities: createSetQuantities(deps) };
  return { query, mutation };
}

/**
 * Fields the views do not define are not emulated. A nullable one answers null; a non-null
 * one, or any root field, is a GraphQL error naming it, so a query outside the subset fails
 * loudly instead of returning plausible nonsense, and never crashes the emulator.
 */
export const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  const isRoot = info.parentType === info.schema.getQueryType() || info.parentType === info.schema.getMutationType();
  if (source !== null && typeof source === 'object' && (source as Record<string, unknown>)[info.fieldName] !== undefined) {
    return defaultFieldResolver(source, args, context, info);
  }
  if (isRoot || isNonNullType(info.returnType)) {
    throw new GraphQLError(`not emulated: ${info.parentType.name}.${info.fieldName}`, { extensions: { code: 'NOT_EMULATED' } });
  }
  return null;
};
