import type { Pool } from 'pg';

/** A level the hub wants in Shopify: one row of shopify_push. */
export interface WantedLevel {
  sku: string;
  locationId: string;
  available: number;
  version: number;
  /** When the hub's level changed. */
  updatedAt: string;
}

/** A row due for a push, with the inventory item when the SKU's is known. */
export interface DueRow {
  sku: string;
  locationId: string;
  wanted: number;
  wantedVersion: number;
  wantedAt: Date;
  /** The compare-and-set base: what the channel last set or read in Shopify; null when unknown. */
  pushed: number | null;
  inventoryItemId: string | null;
}

export type RowKey = Pick<DueRow, 'sku' | 'locationId'>;

const keyArrays = (rows: readonly RowKey[]): [string[], string[]] => [rows.map((r) => r.sku), rows.map((r) => r.locationId)];

/**
 * shopify_push (migration 003): the channel's durable queue. Only the newest version of a level
 * is kept, so it coalesces on its own; a row is due while wanted_version > pushed_version.
 */
export class PushStore {
  constructor(
    private readonly pool: Pool,
    /** The channel the rows belong to (its consumer group). */
    private readonly channel: string,
  ) {}

  /** Records the newest wanted value per level; an older version never overwrites a newer one. */
  async upsertWanted(levels: readonly WantedLevel[]): Promise<void> {
    if (levels.length === 0) return;
    await this.pool.query(
      `INSERT INTO shopify_push (channel, sku, location_id, wanted, wanted_version, wanted_at)
       SELECT $6::text, * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::timestamptz[])
       ON CONFLICT (channel, sku, location_id) DO UPDATE
         SET wanted = EXCLUDED.wanted, wanted_version = EXCLUDED.wanted_version, wanted_at = EXCLUDED.wanted_at, not_before = NULL
         WHERE shopify_push.wanted_version < EXCLUDED.wanted_version`,
      [levels.map((l) => l.sku), levels.map((l) => l.locationId), levels.map((l) => l.available), levels.map((l) => l.version), levels.map((l) => l.updatedAt), this.channel],
    );
  }

  /** The oldest due rows (a row waiting after a conflict is not due until its time). */
  async due(limit: number): Promise<DueRow[]> {
    const { rows } = await this.pool.query<{ sku: string; location_id: string; wanted: number; wanted_version: string; wanted_at: Date; pushed: number | null; inventory_item_id: string | null }>(
      `SELECT p.sku, p.location_id, p.wanted, p.wanted_version, p.wanted_at, p.pushed, i.inventory_item_id
         FROM shopify_push p LEFT JOIN shopify_items i ON i.sku = p.sku
        WHERE p.channel = $2 AND p.wanted_version > p.pushed_version AND (p.not_before IS NULL OR p.not_before <= now())
        ORDER BY p.wanted_at LIMIT $1`,
      [limit, this.channel],
    );
    return rows.map((r) => ({ sku: r.sku, locationId: r.location_id, wanted: r.wanted, wantedVersion: Number(r.wanted_version), wantedAt: r.wanted_at, pushed: r.pushed, inventoryItemId: r.inventory_item_id }));
  }

  /** Shopify now shows `wanted` of that version; a newer version that arrived meanwhile stays due. */
  async markPushed(rows: readonly DueRow[]): Promise<void> {
    if (rows.length === 0) return;
    const [skus, locations] = keyArrays(rows);
    await this.pool.query(
      `UPDATE shopify_push p SET pushed = v.wanted, pushed_version = GREATEST(p.pushed_version, v.version), pushed_at = now(), attempts = 0, last_error = NULL
         FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS v(sku, location_id, wanted, version)
        WHERE p.channel = $5 AND p.sku = v.sku AND p.location_id = v.location_id`,
      [skus, locations, rows.map((r) => r.wanted), rows.map((r) => r.wantedVersion), this.channel],
    );
  }

  /** A lost compare-and-set: Shopify's current value becomes the base, and the row waits. */
  async markConflict(rows: ReadonlyArray<RowKey & { actual: number | null }>, waitMs: number): Promise<void> {
    if (rows.length === 0) return;
    const [skus, locations] = keyArrays(rows);
    await this.pool.query(
      `UPDATE shopify_push p SET pushed = v.actual, not_before = now() + make_interval(secs => $4::double precision / 1000), last_error = 'compare-and-set lost'
         FROM unnest($1::text[], $2::text[], $3::int[]) AS v(sku, location_id, actual)
        WHERE p.channel = $5 AND p.sku = v.sku AND p.location_id = v.location_id`,
      [skus, locations, rows.map((r) => r.actual), waitMs, this.channel],
    );
  }

  /**
   * A row that cannot be pushed. Permanent (an item Shopify does not stock there): set aside until
   * the level changes again. Otherwise it waits `waitMs` and is tried again.
   */
  async markFailed(rows: readonly DueRow[], reason: string, permanent: boolean, waitMs = 0): Promise<void> {
    if (rows.length === 0) return;
    const [skus, locations] = keyArrays(rows);
    await this.pool.query(
      `UPDATE shopify_push p
          SET last_error = $3, attempts = attempts + 1,
              pushed_version = CASE WHEN $4 THEN GREATEST(p.pushed_version, v.version) ELSE p.pushed_version END,
              not_before = CASE WHEN $4 THEN NULL ELSE now() + make_interval(secs => $5::double precision / 1000) END
         FROM unnest($1::text[], $2::text[], $6::bigint[]) AS v(sku, location_id, version)
        WHERE p.channel = $7 AND p.sku = v.sku AND p.location_id = v.location_id`,
      [skus, locations, reason.slice(0, 500), permanent, waitMs, rows.map((r) => r.wantedVersion), this.channel],
    );
  }

  /** Shadow mode: logged, held until the level changes again or the channel goes live. */
  async markShadowed(rows: readonly DueRow[]): Promise<void> {
    if (rows.length === 0) return;
    const [skus, locations] = keyArrays(rows);
    await this.pool.query(
      `UPDATE shopify_push p SET not_before = 'infinity' FROM unnest($1::text[], $2::text[]) AS v(sku, location_id) WHERE p.channel = $3 AND p.sku = v.sku AND p.location_id = v.location_id`,
      [skus, locations, this.channel],
    );
  }

  /** Going live: what shadow mode held back becomes due. */
  async releaseShadowed(): Promise<number> {
    const { rowCount } = await this.pool.query(`UPDATE shopify_push SET not_before = NULL WHERE channel = $1 AND not_before = 'infinity'`, [this.channel]);
    return rowCount ?? 0;
  }

  /** Rows due (including those waiting), and the age of the oldest in seconds. */
  async depth(): Promise<{ due: number; oldestSeconds: number }> {
    const { rows } = await this.pool.query<{ due: string; oldest: number | null }>(
      `SELECT count(*) AS due, extract(epoch FROM now() - min(wanted_at)) AS oldest FROM shopify_push WHERE channel = $1 AND wanted_version > pushed_version AND (not_before IS NULL OR not_before <> 'infinity')`,
      [this.channel],
    );
    return { due: Number(rows[0]?.due ?? 0), oldestSeconds: Number(rows[0]?.oldest ?? 0) };
  }
}
