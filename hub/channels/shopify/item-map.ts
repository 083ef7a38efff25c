import type { Pool } from 'pg';
import { documents, legacyIdOf } from '../../../core/shopify';
import { inTransaction } from '../../db';
import type { ShopifyCaller } from './caller';

/** Shopify search syntax for one SKU: bare when safe, quoted otherwise. */
export const skuTerm = (sku: string): string => (/^[\w.-]+$/.test(sku) ? `sku:${sku}` : `sku:"${sku.replace(/["\\]/g, '\\$&')}"`);

/** How long a SKU Shopify does not sell is remembered as such, in ms. */
const MISSING_TTL_MS = 10 * 60_000;

/**
 * SKU -> Shopify inventory item id, learned from Shopify (inventoryItems by sku) and kept in
 * shopify_items, so each SKU is looked up once. SKUs Shopify does not have are remembered for a
 * while, not stored: the merchant may add the product later.
 */
export class ItemMap {
  private readonly missing = new Map<string, number>();

  constructor(
    private readonly pool: Pool,
    private readonly caller: ShopifyCaller,
  ) {}

  /** Item ids (decimal) for the SKUs given; a SKU Shopify does not sell maps to null. */
  async resolve(skus: readonly string[]): Promise<Map<string, string | null>> {
    const unique = [...new Set(skus)];
    const { rows } = await this.pool.query<{ sku: string; inventory_item_id: string }>('SELECT sku, inventory_item_id FROM shopify_items WHERE sku = ANY($1::text[])', [unique]);
    const found = new Map<string, string | null>(rows.map((r) => [r.sku, r.inventory_item_id]));
    const now = Date.now();
    const unknown = unique.filter((sku) => !found.has(sku) && (this.missing.get(sku) ?? 0) < now);
    for (let i = 0; i < unknown.length; i += documents.ITEMS_BY_SKU_MAX) {
      const chunk = unknown.slice(i, i + documents.ITEMS_BY_SKU_MAX);
      const result = await this.caller.call<{ inventoryItems: { nodes: Array<{ legacyResourceId: string; sku: string | null }> } }>(
        'inventoryItems',
        documents.ITEMS_BY_SKU,
        { query: chunk.map(skuTerm).join(' OR '), first: chunk.length },
        2 + chunk.length,
      );
      const learned = result.data.inventoryItems.nodes.filter((n): n is { legacyResourceId: string; sku: string } => n.sku !== null && chunk.includes(n.sku));
      if (learned.length > 0) {
        // Shopify is the authority: an item whose SKU was changed no longer stands for the old one.
        const [skus, ids] = [learned.map((n) => n.sku), learned.map((n) => legacyIdOf(n.legacyResourceId))];
        await inTransaction(this.pool, async (db) => {
          await db.query('DELETE FROM shopify_items WHERE inventory_item_id = ANY($2::bigint[]) AND NOT sku = ANY($1::text[])', [skus, ids]);
          await db.query(
            'INSERT INTO shopify_items (sku, inventory_item_id) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (sku) DO UPDATE SET inventory_item_id = EXCLUDED.inventory_item_id',
            [skus, ids],
          );
        });
      }
      for (const node of learned) found.set(node.sku, legacyIdOf(node.legacyResourceId));
      for (const sku of chunk) if (!found.has(sku)) this.missing.set(sku, now + MISSING_TTL_MS);
    }
    for (const sku of unique) if (!found.has(sku)) found.set(sku, null);
    return found;
  }
}
