import { InvalidInputError } from '../../../core/errors';
import { decodeJson, type ConsumedRecord, type Stage } from '../../../core/kafka';
import type { Logger } from '../../../core/logging';
import { levelViewSchema, type LevelView } from '../../levels';
import type { PushStore, WantedLevel } from './push-store';

/** A stock.levels record as a level view; anything else goes to the channel's dead-letter topic. */
export function decodeLevelView(value: unknown): LevelView {
  const parsed = levelViewSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidInputError(`not a level view: ${issue.path.join('.')}: ${issue.message}`, issue.path.join('.') || null);
}

/** The newest wanted value per level Shopify sells, for the locations that are Shopify locations. */
export function wantedFromLevels(levels: readonly LevelView[], shopifyLocations: ReadonlySet<string>): WantedLevel[] {
  const newest = new Map<string, WantedLevel>();
  for (const level of levels) {
    if (!shopifyLocations.has(level.locationId)) continue;
    const key = `${level.sku}@${level.locationId}`;
    const seen = newest.get(key);
    if (seen && seen.version >= level.version) continue;
    // Shopify takes whole units; the hub's are whole too unless a system sends fractions.
    newest.set(key, { sku: level.sku, locationId: level.locationId, available: Math.floor(level.available), version: level.version, updatedAt: level.updatedAt });
  }
  return [...newest.values()];
}

/** stock.levels -> shopify_push: what the pusher should set, newest version first-come. */
export function levelsStage(store: PushStore, shopifyLocations: ReadonlySet<string>, onWanted: () => void, logger: Logger): Stage<LevelView | null> {
  return {
    // A tombstone (a level deleted by compaction's rules) asks nothing of Shopify.
    decode: (message) => (message.value === null ? null : decodeLevelView(decodeJson(message))),
    handle: async (records: ConsumedRecord<LevelView | null>[]) => {
      const wanted = wantedFromLevels(
        records.flatMap((r) => (r.value === null ? [] : [r.value])),
        shopifyLocations,
      );
      await store.upsertWanted(wanted);
      for (const level of wanted) logger.debug({ sku: level.sku, locationId: level.locationId, available: level.available, version: level.version }, 'wanted in Shopify');
      if (wanted.length > 0) onWanted();
    },
  };
}
