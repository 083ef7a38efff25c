import type { Pool } from 'pg';
import { SOURCE_SYSTEMS, type SourceSystem } from '../../../../core/model';

export interface LastEvent {
  seq: number;
  type: string;
  sku: string;
  locationId: string;
  document: string | null;
  occurredAt: string;
  appliedAt: string;
  /** Seconds since the hub applied it (the hub database's clock). */
  ageSeconds: number;
}

export interface SystemActivity {
  system: SourceSystem;
  /** Movements per second the hub applied over the last minute (or over the window, see rateCapped). */
  perSecond: number;
  lastMinute: number;
  /** The window held less than a minute: the rate is over the window's own span, and a floor. */
  rateCapped: boolean;
  lastEvent: LastEvent | null;
}

interface EventRow {
  seq: string | number;
  source_system: string;
  type: string;
  sku: string;
  location_id: string;
  source_document: string | null;
  occurred_at: Date;
  applied_at: Date;
}

const EVENT_COLUMNS = 'seq, source_system, type, sku, location_id, source_document, occurred_at, applied_at';

// Three small statements instead of one clever one: with the window's lower bound as a plain
// parameter PostgreSQL plans a primary-key range scan of exactly the window. Measured on a
// 3 M-row ledger (window 50,000): 14-18 ms, against 170-300 ms for a single statement with the
// bound in a CTE (mis-estimated, sorted on disk, JIT-compiled) and 4 s for DISTINCT ON over the
// whole table. `now()` is the database's, so ages do not depend on the API host's clock.
const TOP_SQL = 'SELECT coalesce(max(seq), 0) AS top, now() AS db_now FROM ledger';
const WINDOW_SQL = `SELECT source_system, max(seq) AS last_seq, min(applied_at) AS since,
    count(*) FILTER (WHERE applied_at > now() - interval '60 seconds') AS last_minute
  FROM ledger WHERE seq > $1 GROUP BY source_system`;
const EVENTS_SQL = `SELECT ${EVENT_COLUMNS} FROM ledger WHERE seq = ANY($1::bigint[])`;

// Only for a system absent from the window, once per process. Without an index on
// source_system this walks the primary key backwards (0.06 ms for a busy system, 445 ms on
// 3 M rows for one that never wrote), hence the statement timeout.
const LOOKUP_SQL = `SELECT ${EVENT_COLUMNS} FROM ledger WHERE source_system = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1`;

type Remembered = Omit<LastEvent, 'ageSeconds'> & { appliedAtMs: number };

/**
 * Movements per second and the last event of each source system, from the newest rows of the
 * ledger. A system that has been quiet for longer than the window keeps the last event seen
 * (or found once by a bounded lookup), so a quiet WMS does not read as "never".
 */
export class LedgerActivity {
  private readonly remembered = new Map<string, Remembered>();
  private readonly lookedUp = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly windowRows: number,
    private readonly lookupTimeoutMs = 2_000,
  ) {}

  async read(): Promise<SystemActivity[]> {
    const top = (await this.pool.query<{ top: string | number; db_now: Date }>(TOP_SQL)).rows[0]!;
    const topSeq = Number(top.top);
    const dbNow = top.db_now.getTime();
    const floor = Math.max(0, topSeq - this.windowRows);
    const { rows: windowRows } = await this.pool.query<{ source_system: string; last_seq: string | number; since: Date; last_minute: string | number }>(WINDOW_SQL, [floor]);
    const lastSeqs = windowRows.map((r) => Number(r.last_seq));
    if (lastSeqs.length > 0) for (const row of (await this.pool.query<EventRow>(EVENTS_SQL, [lastSeqs])).rows) this.remember(row);
    const windowSince = Math.min(dbNow, ...windowRows.map((r) => r.since.getTime()));
    // The window holds less than a minute only when the ledger has more rows than the window.
    const capped = floor > 0 && dbNow - windowSince < 60_000;
    const span = capped ? Math.max(1, (dbNow - windowSince) / 1000) : 60;
    const bySystem = new Map(windowRows.map((r) => [r.source_system, r]));
    return SOURCE_SYSTEMS.map((system) => {
      const row = bySystem.get(system);
      if (row === undefined) this.lookUpOnce(system, floor);
      const lastMinute = Number(row?.last_minute ?? 0);
      const known = this.remembered.get(system);
      return {
        system,
        perSecond: round(lastMinute / span, 2),
        lastMinute,
        rateCapped: capped,
        lastEvent: known === undefined ? null : { ...withoutMs(known), ageSeconds: round(Math.max(0, dbNow - known.appliedAtMs) / 1000, 1) },
      };
    });
  }

  private remember(row: EventRow): void {
    const seq = Number(row.seq);
    const known = this.remembered.get(row.source_system);
    if (known !== undefined && known.seq >= seq) return;
    this.remembered.set(row.source_system, {
      seq,
      type: row.type,
      sku: row.sku,
      locationId: row.location_id,
      document: row.source_document,
      occurredAt: row.occurred_at.toISOString(),
      appliedAt: row.applied_at.toISOString(),
      appliedAtMs: row.applied_at.getTime(),
    });
  }

  /** In the background: the page is not held up, and the answer shows on a later refresh. */
  private lookUpOnce(system: string, belowSeq: number): void {
    if (this.lookedUp.has(system) || this.remembered.has(system) || belowSeq <= 0) return;
    this.lookedUp.add(system);
    void (async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(`SET LOCAL statement_timeout = ${Math.floor(this.lookupTimeoutMs)}`);
        const { rows } = await client.query<EventRow>(LOOKUP_SQL, [system, belowSeq]);
        await client.query('COMMIT');
        if (rows[0] !== undefined) this.remember(rows[0]);
      } catch {
        await client.query('ROLLBACK').catch(() => undefined);
      } finally {
        client.release();
      }
    })().catch(() => undefined);
  }
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const withoutMs = ({ appliedAtMs: _, ...rest }: Remembered): Omit<LastEvent, 'ageSeconds'> => rest;
