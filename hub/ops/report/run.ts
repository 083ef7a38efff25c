import type { Clock } from './clock';
import { compareBatch, SummaryBuilder, type DriftRow, type Summary } from './compare';
import type { HubLevel, HubLevels } from './hub-levels';
import type { Progress } from './progress';
import { SYSTEMS, type SystemName, type SystemView } from './system-view';

export interface RunInput {
  hub: Pick<HubLevels, 'levels'>;
  views: readonly SystemView[];
  skus: readonly string[];
  /** --location; null: every location each system covers. */
  locations: readonly string[] | null;
  progress: Progress | null;
  clock: Clock;
  signal: AbortSignal;
}

export interface RunResult {
  rows: DriftRow[];
  summary: Summary;
}

interface Active {
  view: SystemView;
  locations: string[];
  failed: boolean;
}

type Compared = { system: SystemName } & ReturnType<typeof compareBatch>;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Streams the SKUs through in batches: the hub's levels for a batch, every system's view of the
 * same batch (read concurrently), compared as they arrive, so memory holds one batch plus the
 * drift. A system that fails is reported and dropped from later batches; the others go on.
 * Ctrl-C (the signal) ends the run after what is in flight, with a partial summary.
 */
export async function runReport(input: RunInput): Promise<RunResult> {
  const { skus, signal, progress } = input;
  const summary = new SummaryBuilder();
  const failedLocations = new Set<string>();
  const fail = (system: SystemName, location: string | null, message: string) => {
    if (location !== null && failedLocations.has(`${system}@${location}`)) return;
    if (location !== null) failedLocations.add(`${system}@${location}`);
    summary.fail({ system, location, message });
    progress?.message(`${system}${location === null ? '' : ` ${location}`}: ${message}`);
  };

  const active: Active[] = [];
  for (const view of input.views) {
    summary.include(view.system);
    try {
      active.push({ view, locations: await view.locations(input.locations), failed: false });
    } catch (error) {
      fail(view.system, null, describe(error));
    }
  }

  /** One system's comparison of one batch; null when it failed (reported) or the run was stopped. */
  const compare = async (a: Active, batch: readonly string[], hub: ReadonlyMap<string, HubLevel>): Promise<Compared | null> => {
    if (a.locations.length === 0) return { system: a.view.system, rows: [], compared: [] };
    const readAt = new Date(input.clock.now()).toISOString();
    try {
      const reading = await a.view.read(batch, a.locations, signal);
      for (const [location, message] of reading.failed) fail(a.view.system, location, message);
      return { system: a.view.system, ...compareBatch(a.view, batch, a.locations, hub, reading, readAt) };
    } catch (error) {
      if (signal.aborted) return null;
      a.failed = true;
      fail(a.view.system, null, describe(error));
      return null;
    }
  };

  const batchSize = Math.min(500, ...active.map((a) => a.view.batchSize));
  const rows: DriftRow[] = [];
  let done = 0;
  progress?.start(skus.length);
  for (let i = 0; i < skus.length && !signal.aborted && active.some((a) => !a.failed); i += batchSize) {
    const batch = skus.slice(i, i + batchSize);
    const hub = await input.hub.levels(batch, input.locations);
    const results = await Promise.all(active.filter((a) => !a.failed).map((a) => compare(a, batch, hub)));
    // A batch some systems did not finish is left out whole, so that the counts stay per SKU.
    if (signal.aborted) break;
    for (const result of results) {
      if (result === null) continue;
      summary.add(result.system, result.compared, result.rows);
      rows.push(...result.rows);
    }
    done += batch.length;
    progress?.update(done, rows.length);
  }
  progress?.finish();
  return { rows: rows.sort(byReportOrder), summary: summary.build(done, !signal.aborted) };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byReportOrder = (a: DriftRow, b: DriftRow): number =>
  SYSTEMS.indexOf(a.system) - SYSTEMS.indexOf(b.system) || cmp(a.sku, b.sku) || cmp(a.location, b.location);
