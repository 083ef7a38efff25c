import { z } from 'zod';
import { isRetriable } from '../../../core/errors';
import { documents, ShopifyThrottledError, type AdminRequest, type QueryCost } from '../../../core/shopify';
import { levelKey } from '../../levels';
import { systemClock, type Clock } from './clock';
import type { SystemReading, SystemView } from './system-view';

/** The query (core/shopify/documents.ts, with every document the project sends) and its levels per item. */
export const { LEVELS_BY_SKU, LEVELS_BY_SKU_LEVELS: LEVELS_PER_ITEM } = documents;

/** Shopify refuses any single query whose requested cost exceeds this, whatever the bucket holds. */
export const MAX_QUERY_COST = 1000;

/**
 * Requested cost of LEVELS_BY_SKU for `first` items (a connection costs 2 + first x its node, an
 * object 1, a scalar 0): a level is 3 (itself, its location, its quantities), an item 1 + 2 + 25 x 3.
 */
export const queryCost = (first: number): number => 2 + first * (1 + 2 + LEVELS_PER_ITEM * 3);

/** The most items one query may ask for: 12 (938 points). */
export const SKUS_PER_QUERY = Math.floor((MAX_QUERY_COST - 2) / (queryCost(1) - 2));

const responseSchema = z.object({
  inventoryItems: z.object({
    nodes: z.array(
      z.object({
        sku: z.string().nullable(),
        inventoryLevels: z.object({
          nodes: z.array(
            z.object({
              location: z.object({ legacyResourceId: z.union([z.string(), z.number()]).transform(String) }),
              quantities: z.array(z.object({ name: z.string(), quantity: z.number() })),
            }),
          ),
        }),
      }),
    ),
  }),
});

/** Shopify's search syntax: a value with anything but word characters is quoted. */
export const skuSearch = (skus: readonly string[]): string =>
  skus.map((sku) => `sku:${/^[\w.\-/]+$/.test(sku) ? sku : `"${sku.replace(/["\\]/g, '\\$&')}"`}`).join(' OR ');

/**
 * Paces calls by Shopify's calculated-cost bucket: the status of the last answer, plus what the
 * bucket has restored since, must cover the next query's requested cost.
 */
export class CostPacer {
  private last: { cost: QueryCost; at: number } | null = null;

  constructor(private readonly clock: Clock) {}

  waitMs(cost: number): number {
    if (this.last === null) return 0;
    const { throttleStatus: s } = this.last.cost;
    const restored = Math.min(s.maximumAvailable, s.currentlyAvailable + (s.restoreRate * (this.clock.now() - this.last.at)) / 1000);
    return restored >= cost ? 0 : Math.ceil(((cost - restored) / Math.max(1, s.restoreRate)) * 1000);
  }

  observe(cost: QueryCost | null): void {
    if (cost !== null) this.last = { cost, at: this.clock.now() };
  }
}

const MAX_THROTTLED = 10;
const MAX_FAILED = 3;

/**
 * Shopify's `available` per SKU and mapped location, through the Admin GraphQL API, 12 SKUs a
 * query. Slow by design on Standard plan limits (100 points/s: about 8 s per query, hours for a
 * full catalogue); bulk operations would be the way to read everything, and are out of scope.
 */
export class ShopifyView implements SystemView {
  readonly system = 'shopify';
  readonly measure = 'available';
  readonly absentMeansZero = false;
  readonly batchSize = SKUS_PER_QUERY;
  private readonly pacer: CostPacer;

  constructor(
    private readonly request: AdminRequest,
    /** Shopify location id (decimal) -> hub location id (config/shopify.json locations). */
    private readonly shopifyLocations: Readonly<Record<string, string>>,
    private readonly clock: Clock = systemClock,
  ) {
    this.pacer = new CostPacer(clock);
  }

  async locations(wanted: readonly string[] | null): Promise<string[]> {
    const mapped = [...new Set(Object.values(this.shopifyLocations))];
    return wanted === null ? mapped : mapped.filter((l) => wanted.includes(l));
  }

  async read(skus: readonly string[], locations: readonly string[], signal: AbortSignal): Promise<SystemReading> {
    const reading: SystemReading = { values: new Map(), failed: new Map() };
    const wanted = new Set(locations);
    for (let i = 0; i < skus.length; i += SKUS_PER_QUERY) {
      const chunk = skus.slice(i, i + SKUS_PER_QUERY);
      const asked = new Set(chunk);
      const seen = new Set<string>();
      for (const item of (await this.call(chunk, signal)).inventoryItems.nodes) {
        // Shopify may hold one SKU on several items; the hub's channel follows the first, so does this.
        if (item.sku === null || !asked.has(item.sku) || seen.has(item.sku)) continue;
        seen.add(item.sku);
        for (const level of item.inventoryLevels.nodes) {
          const location = this.shopifyLocations[level.location.legacyResourceId];
          const quantity = level.quantities.find((q) => q.name === 'available')?.quantity;
          if (location !== undefined && wanted.has(location) && quantity !== undefined) reading.values.set(levelKey(item.sku, location), quantity);
        }
      }
    }
    return reading;
  }

  async close(): Promise<void> {}

  private async call(skus: readonly string[], signal: AbortSignal): Promise<z.infer<typeof responseSchema>> {
    const cost = queryCost(skus.length);
    let throttled = 0;
    let failed = 0;
    for (;;) {
      await this.clock.sleep(this.pacer.waitMs(cost), signal);
      signal.throwIfAborted();
      try {
        const result = await this.request<unknown>(LEVELS_BY_SKU, { query: skuSearch(skus), first: skus.length });
        this.pacer.observe(result.cost);
        return responseSchema.parse(result.data);
      } catch (error) {
        if (error instanceof ShopifyThrottledError && ++throttled < MAX_THROTTLED) {
          this.pacer.observe(error.cost);
          await this.clock.sleep(error.waitMs, signal);
        } else if (!(error instanceof ShopifyThrottledError) && isRetriable(error) && ++failed < MAX_FAILED) {
          await this.clock.sleep(500 * 2 ** failed, signal);
        } else throw error;
      }
    }
  }
}
