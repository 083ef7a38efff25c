/** The systems the report compares with the hub, in report order. */
export const SYSTEMS = ['erp', 'wms', 'shopify', 'agents'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/**
 * Which of the hub's numbers a system's number is compared with: the books (ERP, WMS) and the
 * store agents hold on-hand; Shopify sells what the hub pushes to it, available to promise.
 */
export type Measure = 'onHand' | 'available';

export interface SystemReading {
  /** sku@location (hub location ids) -> the system's number. */
  values: Map<string, number>;
  /** Hub locations this batch could not be read for (an agent that did not answer), with why. */
  failed: Map<string, string>;
}

/** One system's own view of stock, read-only. */
export interface SystemView {
  readonly system: SystemName;
  readonly measure: Measure;
  /**
   * Whether a missing record means zero units (a balance table with no row) rather than "not
   * tracked there" (Shopify without the item at a location, an agent without the SKU): only a
   * number the system really holds can be trusted for a fix.
   */
  readonly absentMeansZero: boolean;
  /** SKUs per read that suit the system; the report's batches are the smallest of these. */
  readonly batchSize: number;
  /** The hub locations the system holds stock for, within `wanted` (null: all of them). */
  locations(wanted: readonly string[] | null): Promise<string[]>;
  read(skus: readonly string[], locations: readonly string[], signal: AbortSignal): Promise<SystemReading>;
  close(): Promise<void>;
}

/** A system that could not be read at all (or one agent of it): reported, exit 2 unless skipped. */
export interface SystemFailure {
  system: SystemName;
  location: string | null;
  message: string;
}
