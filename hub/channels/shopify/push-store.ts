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
  /** Refused attempts ever (never reset): a refused row's next call is a new request. */
  refusals: number;
}

export type RowKey = Pick<DueRow, 'sku' | 'locationId'>;

/** A row set aside after too many refused attempts: no longer due until retried or changed. */
export interface ParkedRow {
  sku: string;
  locationId: string;
  wanted: number;
  wantedVersion: number;
  attempts: number;
  reason: string | null;
  parkedAt: Date;
}

/** How a row that Shopify refuses for a reason the channel does not know is retried, then parked. */
export interface RowFailurePolicy {
  /** Refused attempts after which the row is parked (>= 1). */
  maxAttempts: number;
  /** Wait after the first refused attempt, doubled per attempt, in ms. */
  backoffMs: number;
  /** Longest wait between attempts, in ms. */
  backoffMaxMs: number;
}

/** What a refused attempt did to a row: it waits its backoff (attempts so far), or it is parked. */
export interface FailureOutcome extends RowKey {
  attempts: number;
  parked: boolean;
}

const keyArrays = (rows: readonly RowKey[]): [string[], string[]] => [rows.map((r) => r.sku), rows.map((r) => r.locationId)];

// Every statement that writes several rows takes their row locks in one order, (sku, location_id)
// byte by byte: two writers with overlapping rows then wait for each other instead of each
// holding a row the other needs (40P01, seen while the channel re-set every level after its first
// start). The INSERT takes them in the order its SELECT produces; the UPDATEs lock first, in
// `locked`, because an UPDATE ... FROM join visits rows in whatever order its plan chooses.
const keyOrder = (alias = ''): string => `${alias}sku COLLATE "C", ${alias}location_id COLLATE "C"`;
/** `locked` over CTE `v` (sku, location_id, ...); `channel` is the channel's parameter. */
const lockedFromV = (channel: string): string =>
  `locked AS (SELECT p.sku, p.location_id FROM shopify_push p JOIN v ON p.sku = v.sku AND p.location_id = v.location_id
     WHERE p.channel = ${channel} ORDER BY ${keyOrder('p.')} FOR UPDATE OF p)`;
const JOIN_LOCKED = 'FROM v JOIN locked l ON l.sku = v.sku AND l.location_id = v.location_id';
const IS_LOCKED = 'p.sku = l.sku AND p.location_id = l.location_id';

/**
 * shopify_push (migrations 003, 004): the channel's durable queue. Only the newest version of a
 * level is kept, so it coalesces on its own; a row is due while wanted_version > pushed_version,
 * unless it waits (not_before) or is parked (parked_at).
 */
export class PushStore {
  constructor(
    private readonly pool: Pool,
    /** The channel the rows belong to (its consumer group). */
    private readonly channel: string,
  ) {}

  /**
   * Records the newest wanted value per level; an older version never overwrites a newer one. A
   * new version starts afresh: due now, attempts 0, un-parked (a new value deserves a new try).
   */
  async upsertWanted(levels: readonly WantedLevel[]): Promise<void> {
    if (levels.length === 0) return;
    // One statement cannot update a row twice: the newest version of each level goes in.
    const newest = new Map<string, WantedLevel>();
    for (const level of levels) {
      const key = `${level.sku}\u0000${level.locationId}`;
      const seen = newest.get(key);
      if (seen === undefined || seen.version < level.version) newest.set(key, level);
    }
    const rows = [...newest.values()];
    await this.pool.query(
      `INSERT INTO shopify_push (channel, sku, location_id, wanted, wanted_version, wanted_at)
       SELECT $6::text, v.sku, v.location_id, v.wanted, v.version, v.at
         FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::timestamptz[]) AS v(sku, location_id, wanted, version, at)
        ORDER BY ${keyOrder('v.')}
       ON CONFLICT (channel, sku, location_id) DO UPDATE
         SET wanted = EXCLUDED.wanted, wanted_version = EXCLUDED.wanted_version, wanted_at = EXCLUDED.wanted_at, not_before = NULL, attempts = 0, parked_at = NULL
         WHERE shopify_push.wanted_version < EXCLUDED.wanted_version`,
      [rows.map((l) => l.sku), rows.map((l) => l.locationId), rows.map((l) => l.available), rows.map((l) => l.version), rows.map((l) => l.updatedAt), this.channel],
    );
  }

  /** The oldest due rows (a row waiting after a conflict or a refusal is not due until its time). */
  async due(limit: number): Promise<DueRow[]> {
    const { rows } = await this.pool.query<{ sku: string; location_id: string; wanted: number; wanted_version: string; wanted_at: Date; pushed: number | null; inventory_item_id: string | null; refusals: number }>(
      `SELECT p.sku, p.location_id, p.wanted, p.wanted_version, p.wanted_at, p.pushed, i.inventory_item_id, p.refusals
         FROM shopify_push p LEFT JOIN shopify_items i ON i.sku = p.sku
        WHERE p.channel = $2 AND p.wanted_version > p.pushed_version AND p.parked_at IS NULL AND (p.not_before IS NULL OR p.not_before <= now())
        ORDER BY p.wanted_at LIMIT $1`,
      [limit, this.channel],
    );
    return rows.map((r) => ({ sku: r.sku, locationId: r.location_id, wanted: r.wanted, wantedVersion: Number(r.wanted_version), wantedAt: r.wanted_at, pushed: r.pushed, inventoryItemId: r.inventory_item_id, refusals: r.refusals }));
  }

  /** Shopify now shows `wanted` of that version; a newer version that arrived meanwhile stays due. */
  async markPushed(rows: readonly DueRow[]): Promise<void> {
    if (rows.length === 0) return;
    const [skus, locations] = keyArrays(rows);
    await this.pool.query(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS v(sku, location_id, wanted, version)), ${lockedFromV('$5')}
       UPDATE shopify_push p SET pushed = v.wanted, pushed_version = GREATEST(p.pushed_version, v.version), pushed_at = now(), attempts = 0, last_error = NULL
         ${JOIN_LOCKED} WHERE p.channel = $5 AND ${IS_LOCKED}`,
      [skus, locations, rows.map((r) => r.wanted), rows.map((r) => r.wantedVersion), this.channel],
    );
  }

  /** A lost compare-and-set: Shopify's current value becomes the base, and the row waits. */
  async markConflict(rows: ReadonlyArray<RowKey & { actual: number | null }>, waitMs: number): Promise<void> {
    if (rows.length === 0) return;
    const [skus, locations] = keyArrays(rows);
    await this.pool.query(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) AS v(sku, location_id, actual)), ${lockedFromV('$5')}
       UPDATE shopify_push p SET pushed = v.actual, not_before = now() + make_interval(secs => $4::double precision / 1000), last_error = 'compare-and-set lost'
         ${JOIN_LOCKED} WHERE p.channel = $5 AND ${IS_LOCKED}`,
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
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $6::bigint[]) AS v(sku, location_id, version)), ${lockedFromV('$7')}
       UPDATE shopify_push p
          SET last_error = $3, attempts = p.attempts + 1,
              pushed_version = CASE WHEN $4 THEN GREATEST(p.pushed_version, v.version) ELSE p.pushed_version END,
              not_before = CASE WHEN $4 THEN NULL ELSE now() + make_interval(secs => $5::double precision / 1000) END
         ${JOIN_LOCKED} WHERE p.channel = $7 AND ${IS_LOCKED}`,
      [skus, locations, reason.slice(0, 500), permanent, waitMs, rows.map((r) => r.wantedVersion), this.channel],
    );
  }

  /**
   * Shopify refused these rows, each for its own content, with a reason the channel does not
   * know: one more attempt each. Below `maxAttempts` a row waits its backoff; at it, it is parked
   * and no longer due. A row whose level changed since it was read is left alone: the refusal was
   * of the old value, and the new one gets its own tries.
   */
  async recordRefusal(rows: readonly DueRow[], reason: string, policy: RowFailurePolicy): Promise<FailureOutcome[]> {
    if (rows.length === 0) return [];
    const [skus, locations] = keyArrays(rows);
    const { rows: updated } = await this.pool.query<{ sku: string; location_id: string; attempts: number; parked: boolean }>(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(sku, location_id, version)), ${lockedFromV('$8')}
       UPDATE shopify_push p
          SET attempts = p.attempts + 1, refusals = p.refusals + 1, last_error = $4,
              parked_at = CASE WHEN p.attempts + 1 >= $5 THEN now() END,
              not_before = CASE WHEN p.attempts + 1 >= $5 THEN NULL
                                ELSE now() + make_interval(secs => LEAST($7::double precision, $6::double precision * power(2, p.attempts)) / 1000) END
         ${JOIN_LOCKED} WHERE p.channel = $8 AND ${IS_LOCKED} AND p.wanted_version = v.version AND p.parked_at IS NULL
       RETURNING p.sku, p.location_id, p.attempts, p.parked_at IS NOT NULL AS parked`,
      [skus, locations, rows.map((r) => r.wantedVersion), reason.slice(0, 500), policy.maxAttempts, policy.backoffMs, policy.backoffMaxMs, this.channel],
    );
    return updated.map((r) => ({ sku: r.sku, locationId: r.location_id, attempts: r.attempts, parked: r.parked }));
  }

  /** Parked rows, newest first; `skus` narrows them (null: all). */
  async parked(options: { skus?: readonly string[] | null; limit?: number | null } = {}): Promise<ParkedRow[]> {
    const { rows } = await this.pool.query<{ sku: string; location_id: string; wanted: number; wanted_version: string; attempts: number; last_error: string | null; parked_at: Date }>(
      `SELECT sku, location_id, wanted, wanted_version, attempts, last_error, parked_at FROM shopify_push
        WHERE channel = $1 AND parked_at IS NOT NULL AND ($2::text[] IS NULL OR sku = ANY($2))
        ORDER BY parked_at DESC, sku, location_id LIMIT $3`,
      [this.channel, options.skus ?? null, options.limit ?? null],
    );
    return rows.map((r) => ({ sku: r.sku, locationId: r.location_id, wanted: r.wanted, wantedVersion: Number(r.wanted_version), attempts: r.attempts, reason: r.last_error, parkedAt: r.parked_at }));
  }

  async parkedCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM shopify_push WHERE channel = $1 AND parked_at IS NOT NULL', [this.channel]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Un-parks (attempts 0, due now) the parked rows of these SKUs, or every one (null). */
  async unpark(skus: readonly string[] | null): Promise<RowKey[]> {
    const { rows } = await this.pool.query<{ sku: string; location_id: string }>(
      `WITH locked AS (SELECT sku, location_id FROM shopify_push WHERE channel = $1 AND parked_at IS NOT NULL AND ($2::text[] IS NULL OR sku = ANY($2))
                        ORDER BY ${keyOrder()} FOR UPDATE)
       UPDATE shopify_push p SET parked_at = NULL, attempts = 0, not_before = NULL FROM locked l
        WHERE p.channel = $1 AND ${IS_LOCKED} AND p.parked_at IS NOT NULL
       RETURNING p.sku, p.location_id`,
      [this.channel, skus],
    );
    return rows.map((r) => ({ sku: r.sku, locationId: r.location_id }));
  }

  /** Shadow mode: logged, held until the level changes again or the channel goes live. */
  async markShadowed(rows: readonly DueRow[]): Promise<void> {
    if (rows.length === 0) return;
    const [skus, locations] = keyArrays(rows);
    await this.pool.query(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[]) AS v(sku, location_id)), ${lockedFromV('$3')}
       UPDATE shopify_push p SET not_before = 'infinity' ${JOIN_LOCKED} WHERE p.channel = $3 AND ${IS_LOCKED}`,
      [skus, locations, this.channel],
    );
  }

  /** Going live: what shadow mode held back becomes due. */
  async releaseShadowed(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `WITH locked AS (SELECT sku, location_id FROM shopify_push WHERE channel = $1 AND not_before = 'infinity' ORDER BY ${keyOrder()} FOR UPDATE)
       UPDATE shopify_push p SET not_before = NULL FROM locked l WHERE p.channel = $1 AND ${IS_LOCKED}`,
      [this.channel],
    );
    return rowCount ?? 0;
  }

  /** Rows due (including those waiting, not those parked), and the age of the oldest in seconds. */
  async depth(): Promise<{ due: number; oldestSeconds: number }> {
    const { rows } = await this.pool.query<{ due: string; oldest: number | null }>(
      `SELECT count(*) AS due, extract(epoch FROM now() - min(wanted_at)) AS oldest FROM shopify_push
        WHERE channel = $1 AND wanted_version > pushed_version AND parked_at IS NULL AND (not_before IS NULL OR not_before <> 'infinity')`,
      [this.channel],
    );
    return { due: Number(rows[0]?.due ?? 0), oldestSeconds: Number(rows[0]?.oldest ?? 0) };
  }
}
