import { available, levelKey } from '../../levels';
import type { HubLevel } from './hub-levels';
import type { Measure, SystemFailure, SystemName, SystemReading, SystemView } from './system-view';

/** One (sku, location) where a system and the hub disagree. */
export interface DriftRow {
  system: SystemName;
  sku: string;
  location: string;
  measure: Measure;
  /** The hub's number in the system's measure. */
  hub: number;
  /** The system's number; null: the system has no record there (not trusted for a fix). */
  value: number | null;
  /** value - hub; null when the system has no record. */
  difference: number | null;
  /** The hub level behind `hub`: an available figure becomes an on-hand count through it. */
  level: HubLevel;
  /** When the system was read (ISO): a corrective count is as of then. */
  readAt: string;
}

export interface Tally {
  compared: number;
  drift: number;
}

export interface SystemSummary extends Tally {
  byLocation: Record<string, Tally>;
}

export interface Summary {
  skus: number;
  systems: Partial<Record<SystemName, SystemSummary>>;
  failures: SystemFailure[];
  /** False when Ctrl-C stopped the run: the counts cover what was compared until then. */
  complete: boolean;
}

const ZERO: HubLevel = { onHand: 0, reserved: 0, safetyStock: 0 };
// Quantities are NUMERIC(12,3) at the sources: differences below that are float noise.
const round = (n: number): number => Math.round(n * 1000) / 1000;

export const hubValue = (level: HubLevel, measure: Measure): number => (measure === 'onHand' ? level.onHand : available(level));

/**
 * Compares one batch of one system with the hub. A pair is compared when either side holds a
 * record (the hub's missing level is zero, as the hub itself treats it); a system's missing
 * record is zero for a balance table and "not there" otherwise, which is drift only if the hub
 * has something to show there.
 */
export function compareBatch(
  view: Pick<SystemView, 'system' | 'measure' | 'absentMeansZero'>,
  skus: readonly string[],
  locations: readonly string[],
  hub: ReadonlyMap<string, HubLevel>,
  reading: SystemReading,
  readAt: string,
): { rows: DriftRow[]; compared: string[] } {
  const rows: DriftRow[] = [];
  const compared: string[] = [];
  for (const sku of skus) {
    for (const location of locations) {
      if (reading.failed.has(location)) continue;
      const key = levelKey(sku, location);
      const level = hub.get(key);
      const read = reading.values.get(key);
      if (level === undefined && read === undefined) continue;
      compared.push(location);
      const hubNumber = round(hubValue(level ?? ZERO, view.measure));
      const value = read ?? (view.absentMeansZero ? 0 : null);
      const difference = value === null ? null : round(value - hubNumber);
      if (difference === 0 || (value === null && hubNumber === 0)) continue;
      rows.push({ system: view.system, sku, location, measure: view.measure, hub: hubNumber, value, difference, level: level ?? ZERO, readAt });
    }
  }
  return { rows, compared };
}

/** Drift and comparison counts by system and location, built up batch by batch. */
export class SummaryBuilder {
  private readonly systems: Partial<Record<SystemName, SystemSummary>> = {};
  private readonly failures: SystemFailure[] = [];

  add(system: SystemName, compared: readonly string[], rows: readonly DriftRow[]): void {
    const summary = (this.systems[system] ??= { compared: 0, drift: 0, byLocation: {} });
    for (const location of compared) {
      summary.compared += 1;
      (summary.byLocation[location] ??= { compared: 0, drift: 0 }).compared += 1;
    }
    for (const row of rows) {
      summary.drift += 1;
      (summary.byLocation[row.location] ??= { compared: 0, drift: 0 }).drift += 1;
    }
  }

  /** A system to show even when nothing was compared (so "0 compared" is said, not implied). */
  include(system: SystemName): void {
    this.systems[system] ??= { compared: 0, drift: 0, byLocation: {} };
  }

  fail(failure: SystemFailure): void {
    this.failures.push(failure);
  }

  build(skus: number, complete: boolean): Summary {
    return { skus, systems: this.systems, failures: [...this.failures], complete };
  }
}

export const EXIT = { inSync: 0, drift: 1, error: 2, interrupted: 130 } as const;

/**
 * 2 when a system could not be read (unless --skip-unreachable), 130 after Ctrl-C, 1 when drift
 * remains (after a fix: drift the fix did not verifiably remove), 0 in sync.
 */
export function exitStatus(summary: Summary, remainingDrift: number, skipUnreachable: boolean): number {
  if (summary.failures.length > 0 && !skipUnreachable) return EXIT.error;
  if (!summary.complete) return EXIT.interrupted;
  return remainingDrift > 0 ? EXIT.drift : EXIT.inSync;
}
