import { levelKey } from '../../levels';
import type { BalanceTable } from './config';
import type { SqlDialect, SqlSource } from './sql-sources';
import type { SystemName, SystemReading, SystemView } from './system-view';

/**
 * A legacy system's balance table (ERP STKBAL, WMS inv_inventory) read the way its mapping in
 * config/mappings says the sink reads it: SKU, location and quantity columns, source location
 * codes translated to hub ids. Quantities are summed per SKU and location, so a WMS holding one
 * SKU in several bins compares as the one DC level the hub keeps.
 */
export class BalanceView implements SystemView {
  readonly measure = 'onHand';
  readonly absentMeansZero = true;
  /** Oracle accepts at most 1,000 expressions in an IN list. */
  readonly batchSize = 500;
  private readonly toHub: Map<string, string>;
  private readonly toSource: Map<string, string>;
  private covered: Promise<string[]> | null = null;

  constructor(
    readonly system: SystemName,
    private readonly source: SqlSource,
    private readonly table: BalanceTable,
  ) {
    this.toHub = new Map(Object.entries(table.locations));
    this.toSource = new Map(Object.entries(table.locations).map(([code, hub]) => [hub, code]));
  }

  async locations(wanted: readonly string[] | null): Promise<string[]> {
    const { dialect } = this.source;
    this.covered ??= this.source
      .rows(`SELECT DISTINCT ${dialect.quote(this.table.columns.location)} FROM ${qualified(dialect, this.table)}`, [])
      .then((rows) => rows.map((r) => this.hubLocation(String(r[0]))));
    const covered = await this.covered;
    return wanted === null ? covered : covered.filter((l) => wanted.includes(l));
  }

  async read(skus: readonly string[], locations: readonly string[]): Promise<SystemReading> {
    const reading: SystemReading = { values: new Map(), failed: new Map() };
    if (skus.length === 0 || locations.length === 0) return reading;
    const { sql, params } = balanceQuery(this.source.dialect, this.table, skus, locations.map((l) => this.toSource.get(l) ?? l));
    for (const [sku, location, quantity] of await this.source.rows(sql, params)) {
      reading.values.set(levelKey(String(sku), this.hubLocation(String(location))), Number(quantity));
    }
    return reading;
  }

  close(): Promise<void> {
    return this.source.close();
  }

  private hubLocation(code: string): string {
    return this.toHub.get(code) ?? code;
  }
}

/** SKU, location and summed quantity of the given SKUs at the given source locations. */
export function balanceQuery(
  dialect: SqlDialect,
  table: BalanceTable,
  skus: readonly string[],
  sourceLocations: readonly string[],
): { sql: string; params: string[] } {
  const q = (name: string) => dialect.quote(name);
  const sku = q(table.columns.sku);
  const location = q(table.columns.location);
  const list = (from: number, count: number) => Array.from({ length: count }, (_, i) => dialect.param(from + i)).join(', ');
  const sql =
    `SELECT ${sku}, ${location}, SUM(${q(table.columns.quantity)}) FROM ${qualified(dialect, table)}` +
    ` WHERE ${sku} IN (${list(1, skus.length)}) AND ${location} IN (${list(skus.length + 1, sourceLocations.length)})` +
    ` GROUP BY ${sku}, ${location}`;
  return { sql, params: [...skus, ...sourceLocations] };
}

const qualified = (dialect: SqlDialect, table: BalanceTable): string => table.table.split('.').map((part) => dialect.quote(part)).join('.');
