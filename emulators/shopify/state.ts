import { inventoryItemGid, locationGid } from '../../core/shopify';
import { ChangeLog, type ChangeSource } from './changes';

/** Marks "not stocked here" in an item's levels: below any quantity Shopify accepts (±1e9). */
export const NOT_STOCKED = -2147483648;

export interface LocationRecord {
  index: number;
  /** Shopify's decimal id. */
  legacyId: string;
  gid: string;
  /** The hub's code for it (DC01, S001, ...). */
  hubCode: string;
  name: string;
}

/**
 * One inventory item. Levels are two typed arrays indexed by location: 50,000 items x 21
 * locations stay around 25 MB instead of a million level objects.
 */
export interface ItemRecord {
  legacyId: string;
  /** legacyId as a number, for ordering (ids stay below 2^53). */
  idNum: number;
  gid: string;
  sku: string;
  /** available per location index; NOT_STOCKED where the item is not stocked. */
  available: Int32Array;
  /** When each level last changed, ms since the epoch. */
  updatedAt: Float64Array;
  createdAt: number;
}

export interface OrderLineRecord {
  id: string;
  sku: string;
  quantity: number;
  item: ItemRecord;
}

export interface OrderRecord {
  id: string;
  gid: string;
  /** "#1001", ... */
  name: string;
  createdAt: number;
  updatedAt: number;
  sourceName: 'web' | 'pos';
  /** The POS location that took it; null for online orders. */
  retailLocation: LocationRecord | null;
  /** Where its units were taken from. */
  stockLocation: LocationRecord;
  lines: OrderLineRecord[];
}

/** What the state tells the webhook side; `webhook: false` means the delivery is lost. */
export interface StateListener {
  levelChanged(item: ItemRecord, location: LocationRecord, webhook: boolean): void;
  orderCreated(order: OrderRecord, webhook: boolean): void;
}

// Deterministic ids keep runs comparable: ERP SKUs (8 digits from 10000001) map onto
// 43000000001...; any other SKU a test invents is numbered from 49000000001.
const SKU_ID_BASE = 43_000_000_000;
const OTHER_ID_BASE = 49_000_000_000;
// Shopify's order and line ids are unique for good, and the hub's event ids are derived from
// them: a restarted emulator must not hand out the ids of its last run. The start second keeps
// them apart (and below 2^53, as Shopify's are).
const RUN = Math.floor(Date.now() / 1000) % 100_000_000;
const FIRST_ORDER_ID = 5_000_000_000_000_000 + RUN * 10_000 + 1;
const FIRST_LINE_ID = 6_000_000_000_000_000 + RUN * 1_000_000 + 1;
const FIRST_ORDER_NUMBER = 1001;
/** Items whose levels share one pair of typed arrays. */
const SLAB_ITEMS = 4096;

/** The shop's catalogue, levels and orders. Everything in memory; nothing survives a restart. */
export class ShopState {
  readonly locations: LocationRecord[];
  readonly changes: ChangeLog<ItemRecord>;
  /** Items ordered by id, as Shopify lists them. */
  private readonly items: ItemRecord[] = [];
  private readonly byId = new Map<string, ItemRecord>();
  private readonly bySku = new Map<string, ItemRecord>();
  private readonly locationByLegacy = new Map<string, LocationRecord>();
  readonly orders: OrderRecord[] = [];
  private nextOtherId = OTHER_ID_BASE + 1;
  private nextLineId = FIRST_LINE_ID;
  listener: StateListener | null = null;
  private slab: { available: Int32Array; updatedAt: Float64Array } | null = null;
  private slabUsed = 0;

  constructor(locations: Record<string, string>, changeBufferSize: number) {
    this.locations = Object.entries(locations).map(([legacyId, hubCode], index) => ({
      index,
      legacyId,
      gid: locationGid(legacyId),
      hubCode,
      name: `RetailMax ${hubCode}`,
    }));
    for (const location of this.locations) this.locationByLegacy.set(location.legacyId, location);
    this.changes = new ChangeLog<ItemRecord>(changeBufferSize, (index) => this.locations[index]!);
  }

  get itemCount(): number {
    return this.items.length;
  }

  itemAt(position: number): ItemRecord | undefined {
    return this.items[position];
  }

  itemById(legacyId: string): ItemRecord | undefined {
    return this.byId.get(legacyId);
  }

  itemBySku(sku: string): ItemRecord | undefined {
    return this.bySku.get(sku);
  }

  location(legacyId: string): LocationRecord | undefined {
    return this.locationByLegacy.get(legacyId);
  }

  locationOfHubCode(hubCode: string): LocationRecord | undefined {
    return this.locations.find((l) => l.hubCode === hubCode);
  }

  allItems(): readonly ItemRecord[] {
    return this.items;
  }

  /** The item for `sku`, created (stocked nowhere, or everywhere at 0 with `stockEverywhere`) if new. */
  addItem(sku: string, stockEverywhere: boolean, at = Date.now()): { item: ItemRecord; created: boolean } {
    const existing = this.bySku.get(sku);
    if (existing) return { item: existing, created: false };
    const n = /^\d{8}$/.test(sku) ? Number(sku) - 10_000_000 : 0;
    const idNum = n > 0 ? SKU_ID_BASE + n : this.nextOtherId++;
    const legacyId = String(idNum);
    const item: ItemRecord = {
      legacyId,
      idNum,
      gid: inventoryItemGid(legacyId),
      sku,
      ...this.levelArrays(stockEverywhere ? 0 : NOT_STOCKED, at),
      createdAt: at,
    };
    const last = this.items[this.items.length - 1];
    if (!last || last.idNum < idNum) this.items.push(item);
    else this.items.splice(this.insertionPoint(idNum), 0, item);
    this.byId.set(legacyId, item);
    this.bySku.set(sku, item);
    return { item, created: true };
  }

  /**
   * An item's two level arrays, cut from shared slabs: one allocation per SLAB_ITEMS items
   * instead of two small ones per item keeps the seeded process's footprint close to its data.
   */
  private levelArrays(available: number, at: number): { available: Int32Array; updatedAt: Float64Array } {
    const width = this.locations.length;
    if (this.slabUsed === SLAB_ITEMS || !this.slab) {
      this.slab = { available: new Int32Array(SLAB_ITEMS * width), updatedAt: new Float64Array(SLAB_ITEMS * width) };
      this.slabUsed = 0;
    }
    const start = this.slabUsed++ * width;
    const levels = { available: this.slab.available.subarray(start, start + width), updatedAt: this.slab.updatedAt.subarray(start, start + width) };
    levels.available.fill(available);
    levels.updatedAt.fill(at);
    return levels;
  }

  /** Position of the first item whose id is above `idNum` (binary search: items are ordered). */
  insertionPoint(idNum: number): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.items[mid]!.idNum <= idNum) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** An opening level (seed): no change record, no webhook. */
  openLevel(item: ItemRecord, location: LocationRecord, available: number, at: number): void {
    item.available[location.index] = available;
    item.updatedAt[location.index] = at;
  }

  isStocked(item: ItemRecord, location: LocationRecord): boolean {
    return item.available[location.index] !== NOT_STOCKED;
  }

  /**
   * Sets a level (stocking the item there if it was not), records the change and tells the
   * listener. An unchanged value changes nothing and sends nothing, as on Shopify.
   */
  setAvailable(item: ItemRecord, location: LocationRecord, available: number, source: ChangeSource, webhook = true, at = Date.now()): boolean {
    if (item.available[location.index] === available) return false;
    item.available[location.index] = available;
    item.updatedAt[location.index] = at;
    this.changes.record(item, location.index, available, at, source);
    this.listener?.levelChanged(item, location, webhook);
    return true;
  }

  /**
   * A new order: sends orders/create, then takes its units from the stock location (possibly
   * below zero: the shop keeps selling when out of stock), which sends the level updates.
   */
  createOrder(lines: Array<{ item: ItemRecord; quantity: number }>, stockLocation: LocationRecord, retailLocation: LocationRecord | null, webhook: boolean): OrderRecord {
    const now = Date.now();
    const number = this.orders.length;
    const id = String(FIRST_ORDER_ID + number);
    const order: OrderRecord = {
      id,
      gid: `gid://shopify/Order/${id}`,
      name: `#${FIRST_ORDER_NUMBER + number}`,
      createdAt: now,
      updatedAt: now,
      sourceName: retailLocation ? 'pos' : 'web',
      retailLocation,
      stockLocation,
      lines: lines.map(({ item, quantity }) => ({ id: String(this.nextLineId++), sku: item.sku, quantity, item })),
    };
    this.orders.push(order);
    this.listener?.orderCreated(order, webhook);
    for (const { item, quantity } of lines) {
      const current = item.available[stockLocation.index]!;
      this.setAvailable(item, stockLocation, (current === NOT_STOCKED ? 0 : current) - quantity, 'order', webhook, now);
    }
    return order;
  }
}
