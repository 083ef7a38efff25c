import type { KafkaMessage } from 'kafkajs';
import type { Logger } from '../../core/logging';
import { documents, fromRawWebhookMessage, inventoryItemGid, legacyIdOf, type AdminRequest, type EchoMarks } from '../../core/shopify';
import type { ItemSkuLookup } from './mapper';

/** Decisions remembered per process: enough for any batch and a DLQ replay run. */
const REMEMBERED = 50_000;

interface LevelUpdate {
  webhookId: string;
  itemId: string;
  locationId: string;
  available: number;
}

function levelUpdateOf(message: KafkaMessage): LevelUpdate | null {
  // Only inventory updates need a lookup: the header says which, without parsing the body twice.
  if (message.headers?.['x-shopify-topic']?.toString() !== 'inventory_levels/update') return null;
  try {
    const { headers, payload } = fromRawWebhookMessage(message);
    if (headers.topic !== 'inventory_levels/update') return null;
    const body = payload as { inventory_item_id?: unknown; location_id?: unknown; available?: unknown };
    if (typeof body.available !== 'number' || body.inventory_item_id === undefined || body.location_id === undefined) return null;
    return { webhookId: headers.webhookId, itemId: String(body.inventory_item_id), locationId: String(body.location_id), available: body.available };
  } catch {
    // Bad records are the mapper's to dead-letter, with the reason.
    return null;
  }
}

/**
 * What mapping inventory_levels/update needs from outside, loaded before a batch is mapped (the
 * mapping itself stays synchronous and pure): the SKU of each inventory item, asked of Shopify
 * once per item, and whether the level is the hub's own write coming back (EchoMarks).
 * Shopify not answering leaves the SKU unknown, so the record is dead-lettered with that reason
 * and can be replayed; Redis not answering fails the batch, which is retried.
 */
export class ShopifyInventoryLookups {
  private readonly skus = new Map<string, string | null>();
  private readonly echoes = new Map<string, boolean>();

  constructor(
    private readonly admin: AdminRequest,
    private readonly echo: EchoMarks,
    private readonly logger: Logger,
    /** Shopify locations (decimal ids) whose updates can become counts; the others need no lookup. */
    private readonly counted: ReadonlySet<string>,
  ) {}

  readonly itemSkus: ItemSkuLookup = (inventoryItemId) => this.skus.get(inventoryItemId) ?? null;

  readonly isEcho = (webhookId: string): boolean => this.echoes.get(webhookId) === true;

  async prepare(messages: readonly KafkaMessage[]): Promise<void> {
    const updates = messages.map(levelUpdateOf).filter((u): u is LevelUpdate => u !== null && this.counted.has(u.locationId));
    if (updates.length === 0) return;
    for (const update of updates) {
      if (this.echoes.has(update.webhookId)) continue;
      remember(this.echoes, update.webhookId, await this.echo.take(update.itemId, update.locationId, update.available));
    }
    const unknown = [...new Set(updates.filter((u) => !this.echoes.get(u.webhookId) && !this.skus.get(u.itemId)).map((u) => u.itemId))];
    for (let i = 0; i < unknown.length; i += documents.ITEM_SKUS_MAX) {
      const chunk = unknown.slice(i, i + documents.ITEM_SKUS_MAX);
      try {
        const { data } = await this.admin<{ nodes: Array<{ legacyResourceId?: string; sku?: string | null } | null> }>(documents.ITEM_SKUS, { ids: chunk.map(inventoryItemGid) });
        for (const node of data.nodes) if (node?.legacyResourceId) remember(this.skus, legacyIdOf(node.legacyResourceId), node.sku || null);
      } catch (error) {
        this.logger.warn({ err: error, items: chunk.length }, 'Shopify did not say which SKU these inventory items are; their updates are dead-lettered for replay');
      }
    }
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= REMEMBERED) map.delete(map.keys().next().value!);
  map.set(key, value);
}
