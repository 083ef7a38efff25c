import type { Redis } from 'ioredis';

/**
 * What the hub itself wrote to Shopify, so that the inventory_levels/update webhook Shopify sends
 * back for it creates no movement (no echo loop). The Shopify channel marks each quantity before
 * it sends it; the webhook normalizer takes the mark when the echo arrives. A mark is a member of
 * a small Redis set per level, so the same quantity set twice is still recognised, and it
 * expires: a webhook later than `ttlSeconds` is treated as Shopify's own change.
 */
export class EchoMarks {
  constructor(
    private readonly redis: Redis,
    /** How long a mark waits for its webhook, in seconds. Default 3600 (Shopify retries for hours; the hub's outage test lasts less). */
    private readonly ttlSeconds = 3600,
  ) {}

  private static key(inventoryItemId: string, locationId: string): string {
    return `shopify:echo:${inventoryItemId}:${locationId}`;
  }

  /** Marks quantities about to be written; ids are Shopify's decimal ids. */
  async mark(writes: ReadonlyArray<{ inventoryItemId: string; locationId: string; quantity: number }>): Promise<void> {
    if (writes.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const write of writes) {
      const key = EchoMarks.key(write.inventoryItemId, write.locationId);
      pipeline.sadd(key, String(write.quantity));
      pipeline.expire(key, this.ttlSeconds);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed) throw failed[0];
  }

  /** Withdraws marks of a write Shopify did not apply, so no later change of Shopify's own is taken for an echo. */
  async unmark(writes: ReadonlyArray<{ inventoryItemId: string; locationId: string; quantity: number }>): Promise<void> {
    if (writes.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const write of writes) pipeline.srem(EchoMarks.key(write.inventoryItemId, write.locationId), String(write.quantity));
    await pipeline.exec();
  }

  /** True once per mark: the webhook reports a quantity the hub wrote. */
  async take(inventoryItemId: string, locationId: string, quantity: number): Promise<boolean> {
    return (await this.redis.srem(EchoMarks.key(inventoryItemId, locationId), String(quantity))) === 1;
  }
}
