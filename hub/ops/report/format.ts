import type { DriftRow, Summary } from './compare';
import type { ParkedLevel } from './shopify-parked';
import { SYSTEMS, type SystemName } from './system-view';

export type FixStatus = 'applied' | 'stale' | 'pending' | 'resynced' | 'failed' | 'skipped' | 'declined';

export interface FixOutcome {
  system: SystemName;
  sku: string;
  location: string;
  /**
   * A COUNT into the hub (erp, wms, shopify): applied, the reconciler changed the level; stale, it
   * recorded the count without effect (a later count wins); pending, not in the ledger within the
   * wait. A store agent repaired from the hub (no COUNT, eventId and countedQuantity null):
   * resynced, the agent re-read the hub; failed, the agent could not (detail says why).
   */
  status: FixStatus;
  eventId: string | null;
  countedQuantity: number | null;
  detail: string | null;
  /** A fresh comparison shows this drift gone. */
  resolved: boolean;
}

export interface Report {
  runId: string;
  startedAt: string;
  finishedAt: string;
  systems: SystemName[];
  rows: DriftRow[];
  summary: Summary;
  /** Null without --fix. */
  fixes: FixOutcome[] | null;
  /** With --system shopify: the levels the channel parked among the compared SKUs. */
  parked?: ParkedLevel[];
}

export type Format = 'table' | 'csv' | 'json';

/** One document: the drift rows, the summary, and what a fix did. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(
    {
      runId: report.runId,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      systems: report.systems,
      rows: report.rows.map((r) => ({
        system: r.system,
        sku: r.sku,
        location: r.location,
        measure: r.measure,
        hubValue: r.hub,
        systemValue: r.value,
        difference: r.difference,
        hubLevel: r.level,
        readAt: r.readAt,
      })),
      summary: report.summary,
      fixes: report.fixes,
      ...(report.parked !== undefined && { parked: report.parked }),
    },
    null,
    2,
  )}\n`;
}

const CSV_HEADER = ['system', 'sku', 'location', 'measure', 'hub_value', 'system_value', 'difference'];

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export const csvField = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The drift rows only: CSV has no place for a summary (main prints it on stderr). */
export function formatCsv(rows: readonly DriftRow[]): string {
  const lines = [CSV_HEADER, ...rows.map((r) => [r.system, r.sku, r.location, r.measure, r.hub, r.value, r.difference])];
  return lines.map((cells) => `${cells.map(csvField).join(',')}\r\n`).join('');
}

const shown = (value: number | null): string => (value === null ? '-' : String(value));
const signed = (value: number | null): string => (value === null ? '-' : value > 0 ? `+${value}` : String(value));

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, rightAligned: (column: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (rightAligned(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

export function formatTable(report: Report): string {
  const parts: string[] = [];
  if (report.rows.length === 0) parts.push('no drift\n');
  else
    parts.push(
      table(
        ['system', 'sku', 'location', 'measure', 'hub', 'system value', 'difference'],
        report.rows.map((r) => [r.system, r.sku, r.location, r.measure, String(r.hub), shown(r.value), signed(r.difference)]),
        (i) => i >= 4,
      ),
    );
  parts.push(`\n${formatSummary(report)}`);
  return parts.join('');
}

/** Counts by system, drift by location and system, failures, and the fixes: for people. */
export function formatSummary(report: Report): string {
  const { summary } = report;
  const systems = SYSTEMS.filter((s) => summary.systems[s] !== undefined);
  const parts = [`${summary.skus} SKU(s) compared${summary.complete ? '' : ' (interrupted: partial report)'}\n`];
  parts.push(table(['system', 'compared', 'drift'], systems.map((s) => [s, String(summary.systems[s]!.compared), String(summary.systems[s]!.drift)]), (i) => i > 0));
  const locations = [...new Set(systems.flatMap((s) => Object.entries(summary.systems[s]!.byLocation).filter(([, t]) => t.drift > 0).map(([l]) => l)))].sort();
  if (locations.length > 0) {
    const drift = (s: SystemName, l: string) => summary.systems[s]!.byLocation[l]?.drift ?? 0;
    parts.push(`\ndrift by location\n${table(['location', ...systems], locations.map((l) => [l, ...systems.map((s) => String(drift(s, l)))]), (i) => i > 0)}`);
  }
  if (summary.failures.length > 0) {
    parts.push(`\nerrors\n${summary.failures.map((f) => `  ${f.system}${f.location ? ` ${f.location}` : ''}: ${f.message}\n`).join('')}`);
  }
  if (report.parked !== undefined && report.parked.length > 0) {
    parts.push(
      `\nparked in the Shopify channel: not pushed until retried (stockhub-shopify-parked retry --sku S)\n${table(
        ['sku', 'location', 'wanted', 'attempts', 'parked at', 'drift', 'reason'],
        report.parked.map((p) => [p.sku, p.location, String(p.wanted), String(p.attempts), p.parkedAt.slice(0, 19), p.drift ? 'yes' : 'no', p.reason ?? '']),
        (i) => i === 2 || i === 3,
      )}`,
    );
  }
  if (report.fixes !== null) {
    parts.push(
      report.fixes.length === 0
        ? '\nfixes: nothing to fix\n'
        : `\nfixes (run ${report.runId})\n${table(
            ['system', 'sku', 'location', 'counted', 'status', 'resolved', 'detail'],
            report.fixes.map((f) => [f.system, f.sku, f.location, shown(f.countedQuantity), f.status, f.resolved ? 'yes' : 'no', f.detail ?? '']),
            (i) => i === 3,
          )}`,
    );
  }
  return parts.join('');
}

export function formatReport(report: Report, format: Format): string {
  if (format === 'json') return formatJson(report);
  if (format === 'csv') return formatCsv(report.rows);
  return formatTable(report);
}
