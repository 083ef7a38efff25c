import { z } from 'zod';

/** The current stock of one SKU at one location, as the hub holds it. */
export interface Level {
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  /** Business time (ms) of the last COUNT applied, or null. */
  lastCountAt: number | null;
  /** Latest business time (ms) of an applied delta, or null. */
  lastDeltaAt: number | null;
  /** Bumped on every change: Redis and consumers keep the highest. */
  version: number;
}

export const levelKey = (sku: string, locationId: string): string => `${sku}@${locationId}`;

/** Available to promise: what neither a reservation nor the safety stock holds back. */
export const available = (level: Pick<Level, 'onHand' | 'reserved' | 'safetyStock'>): number => level.onHand - level.reserved - level.safetyStock;

/** What stock.levels, Redis and the API carry for one level. */
export const levelViewSchema = z.object({
  sku: z.string(),
  locationId: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  safetyStock: z.number(),
  available: z.number(),
  negative: z.boolean(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type LevelView = z.infer<typeof levelViewSchema>;

export function toView(level: Level, updatedAt: string): LevelView {
  return {
    sku: level.sku,
    locationId: level.locationId,
    onHand: level.onHand,
    reserved: level.reserved,
    safetyStock: level.safetyStock,
    available: available(level),
    negative: level.onHand < 0,
    version: level.version,
    updatedAt,
  };
}

export const emptyLevel = (sku: string, locationId: string): Level => ({
  sku,
  locationId,
  onHand: 0,
  reserved: 0,
  safetyStock: 0,
  lastCountAt: null,
  lastDeltaAt: null,
  version: 0,
});
