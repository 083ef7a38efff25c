import type { KafkaMessage } from 'kafkajs';
import type { Logger } from '../../../core/logging';
import { levelViewSchema } from '../../levels';
import type { WantedLevel } from './push-store';

/**
 * stock.levels records -> the newest wanted value per level Shopify sells, for the locations that
 * are Shopify locations. A record that is not a level view is logged and skipped: the topic is
 * the hub's own, so that is a bug upstream, not input to dead-letter.
 */
export function wantedFromLevels(messages: readonly KafkaMessage[], shopifyLocations: ReadonlySet<string>, logger: Logger): WantedLevel[] {
  const newest = new Map<string, WantedLevel>();
  for (const message of messages) {
    if (message.value === null) continue;
    let parsed;
    try {
      parsed = levelViewSchema.safeParse(JSON.parse(message.value.toString('utf8')));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      logger.error({ offset: message.offset, key: message.key?.toString() }, 'stock.levels record is not a level view; skipped');
      continue;
    }
    const level = parsed.data;
    if (!shopifyLocations.has(level.locationId)) continue;
    const key = `${level.sku}@${level.locationId}`;
    const seen = newest.get(key);
    if (seen && seen.version >= level.version) continue;
    // Shopify takes whole units; the hub's are whole too unless a system sends fractions.
    newest.set(key, { sku: level.sku, locationId: level.locationId, available: Math.floor(level.available), version: level.version, updatedAt: level.updatedAt });
  }
  return [...newest.values()];
}
