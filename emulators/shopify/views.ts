import { legacyIdOf } from '../../core/shopify';
import { arrayPage, decodeCursor, encodeCursor, page, pageSize, type PageArgs } from './connection';
import { graphqlTime, inventoryLevelGid } from './payloads';
import { NOT_STOCKED, type ItemRecord, type LocationRecord, type OrderRecord, type ShopState } from './state';

/**
 * The GraphQL objects over the state: plain objects whose properties are field values and whose
 * methods are fields with arguments (graphql-js calls them with args). `__typename` lets the
 * Node interface resolve. Fields not here are not emulated (see resolvers.ts).
 */

/** gid://shopify/<Type>/<id>[?...] -> its type and decimal id; null for anything else. */
export function parseGid(gid: string): { type: string; id: string } | null {
  const match = /^gid:\/\/shopify\/(\w+)\/(\d+)(?:\?.*)?$/.exec(gid);
  return match ? { type: match[1]!, id: match[2]! } : null;
}

/** Quantity names: the emulator keeps `available`; nothing is committed, reserved, incoming... */
export function quantityOf(name: string, available: number): number {
  return name === 'available' || name === 'on_hand' ? available : 0;
}

export class Views {
  constructor(
    private readonly state: ShopState,
    private readonly shopDomain: string,
  ) {}

  shop(): object {
    return {
      __typename: 'Shop',
      id: 'gid://shopify/Shop/70000000001',
      name: 'RetailMax',
      myshopifyDomain: this.shopDomain,
      currencyCode: 'EUR',
      ianaTimezone: 'Etc/UTC',
      timezoneOffset: '+0000',
      timezoneOffsetMinutes: 0,
    };
  }

  location(location: LocationRecord): object {
    const state = this.state;
    return {
      __typename: 'Location',
      id: location.gid,
      legacyResourceId: location.legacyId,
      name: location.name,
      isActive: true,
      isPrimary: location.index === 0,
      fulfillsOnlineOrders: true,
      hasActiveInventory: true,
      shipsInventory: true,
      inventoryLevel: ({ inventoryItemId }: { inventoryItemId: string }) => {
        const item = state.itemById(legacyIdOf(inventoryItemId));
        return item && state.isStocked(item, location) ? this.level(item, location) : null;
      },
    };
  }

  locationByGid(gid: string | null | undefined): LocationRecord | undefined {
    if (!gid) return undefined;
    const parsed = parseGid(gid);
    return parsed?.type === 'Location' ? this.state.location(parsed.id) : undefined;
  }

  itemByGid(gid: string | null | undefined): ItemRecord | undefined {
    if (!gid) return undefined;
    const parsed = parseGid(gid);
    return parsed?.type === 'InventoryItem' ? this.state.itemById(parsed.id) : undefined;
  }

  item(item: ItemRecord): object {
    const stocked = (): LocationRecord[] => this.state.locations.filter((l) => item.available[l.index] !== NOT_STOCKED);
    const updatedAt = (): number => Math.max(item.createdAt, ...item.updatedAt);
    return {
      __typename: 'InventoryItem',
      id: item.gid,
      legacyResourceId: item.legacyId,
      sku: item.sku,
      tracked: true,
      requiresShipping: true,
      duplicateSkuCount: 0,
      createdAt: graphqlTime(item.createdAt),
      updatedAt: () => graphqlTime(updatedAt()),
      inventoryLevel: ({ locationId }: { locationId: string }) => {
        const location = this.locationByGid(locationId);
        return location && this.state.isStocked(item, location) ? this.level(item, location) : null;
      },
      inventoryLevels: (args: PageArgs) => arrayPage(stocked(), args, (location) => this.level(item, location)),
    };
  }

  level(item: ItemRecord, location: LocationRecord): object {
    const id = inventoryLevelGid(item, location);
    const available = item.available[location.index]!;
    const updatedAt = graphqlTime(item.updatedAt[location.index]!);
    return {
      __typename: 'InventoryLevel',
      id,
      isActive: true,
      canDeactivate: true,
      deactivationAlert: null,
      createdAt: graphqlTime(item.createdAt),
      updatedAt,
      item: () => this.item(item),
      location: () => this.location(location),
      quantities: ({ names }: { names: string[] }) =>
        names.map((name) => ({ __typename: 'InventoryQuantity', id: `${id}&name=${encodeURIComponent(name)}`, name, quantity: quantityOf(name, available), updatedAt })),
    };
  }

  /** InventoryItems ordered by id; the cursor is the id, so pages hold when items are added meanwhile. */
  itemPage(args: PageArgs & { reverse?: boolean | null }, skus: string[] | null): object {
    const size = pageSize(args);
    if (skus !== null) {
      const found = new Set<ItemRecord>();
      for (const sku of skus) {
        const item = this.state.itemBySku(sku);
        if (item) found.add(item);
      }
      const matches = [...found].sort((a, b) => (args.reverse ? b.idNum - a.idNum : a.idNum - b.idNum));
      return arrayPage(matches, args, (item) => this.item(item));
    }
    const count = this.state.itemCount;
    const afterId = args.after ? Number(decodeCursor(args.after)) : null;
    if (!args.reverse) {
      const start = afterId === null ? 0 : this.state.insertionPoint(afterId);
      return page(count, start, size, (p) => this.item(this.state.itemAt(p)!), (p) => encodeCursor(this.state.itemAt(p)!.legacyId));
    }
    // Reverse: position p counts from the newest item.
    const start = afterId === null ? 0 : count - this.state.insertionPoint(afterId - 1);
    const at = (p: number): ItemRecord => this.state.itemAt(count - 1 - p)!;
    return page(count, start, size, (p) => this.item(at(p)), (p) => encodeCursor(at(p).legacyId));
  }

  order(order: OrderRecord): object {
    return {
      __typename: 'Order',
      id: order.gid,
      legacyResourceId: order.id,
      name: order.name,
      createdAt: graphqlTime(order.createdAt),
      updatedAt: graphqlTime(order.updatedAt),
      processedAt: graphqlTime(order.createdAt),
      sourceName: order.sourceName,
      cancelledAt: null,
      closed: false,
      test: false,
      retailLocation: order.retailLocation && this.location(order.retailLocation),
      lineItems: (args: PageArgs) =>
        arrayPage(order.lines, args, (line) => ({
          __typename: 'LineItem',
          id: `gid://shopify/LineItem/${line.id}`,
          sku: line.sku,
          name: `SKU ${line.sku}`,
          title: `SKU ${line.sku}`,
          quantity: line.quantity,
          currentQuantity: line.quantity,
          requiresShipping: order.retailLocation === null,
          isGiftCard: false,
        })),
    };
  }

  /** Any object by global id (nodes/node); null when unknown or of a type not emulated. */
  node(gid: string): object | null {
    const parsed = parseGid(gid);
    if (!parsed) return null;
    switch (parsed.type) {
      case 'InventoryItem': {
        const item = this.state.itemById(parsed.id);
        return item ? this.item(item) : null;
      }
      case 'Location': {
        const location = this.state.location(parsed.id);
        return location ? this.location(location) : null;
      }
      case 'InventoryLevel': {
        const location = this.state.location(parsed.id);
        const item = this.state.itemById(/inventory_item_id=(\d+)/.exec(gid)?.[1] ?? '');
        return location && item && this.state.isStocked(item, location) ? this.level(item, location) : null;
      }
      case 'Order': {
        const order = this.state.orders.find((o) => o.id === parsed.id);
        return order ? this.order(order) : null;
      }
      default:
        return null;
    }
  }
}
