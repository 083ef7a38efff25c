import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { TillEvent } from '../../core/model';

export interface LocalLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  networkAvailable: number | null;
}

/**
 * The store's local copy (SQLite, WAL): its own levels and network availability as the hub's
 * feed last said, the feed's resume cursor, and the outbox of till events not yet acknowledged
 * by the hub. It answers the tills while the WAN is down.
 */
/** What the hub's feed says, one SSE event at a time. */
export type FeedUpdate =
  | { kind: 'level'; level: { sku: string; onHand: number; reserved: number; available: number; version: number } }
  | { kind: 'network'; sku: string; available: number }
  | { kind: 'cursor'; cursor: string };

/** The hub's current numbers for one SKU, read from its stock API for POST /resync. */
export interface HubSnapshot {
  sku: string;
  /** This store's level at the hub; null when the hub holds none here (the local row goes). */
  level: { onHand: number; reserved: number; available: number; version: number } | null;
  /** Available across every location (as the feed's `network` event); null when the hub holds the SKU nowhere. */
  networkAvailable: number | null;
}

/** What POST /resync did to one SKU of the local copy. */
export interface ResyncResult {
  sku: string;
  /** replaced: the hub's level written over the local row; removed: the hub holds none here; absent: neither side has one. */
  outcome: 'replaced' | 'removed' | 'absent';
  /** The local on-hand before, null without a row. */
  was: number | null;
  /** The hub's on-hand for this store, null when it holds no level here. */
  hubOnHand: number | null;
  /** The local on-hand now: the hub's plus `queued`. */
  onHand: number | null;
  /** Net units of the till events still in the outbox for this SKU (a sale -n, a return +n). */
  queued: number;
}

export class LocalDb {
  private readonly db: Database.Database;
  private readonly statements: { level: Database.Statement; network: Database.Statement; cursor: Database.Statement; queued: Database.Statement };

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS levels (sku TEXT PRIMARY KEY, on_hand REAL NOT NULL, reserved REAL NOT NULL, available REAL NOT NULL, version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS network (sku TEXT PRIMARY KEY, available REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS fed (sku TEXT PRIMARY KEY, outbox_seq INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
        created_at TEXT NOT NULL, sent_at TEXT, rejected TEXT);
    `);
    this.statements = {
      // The hub's level wins over the local estimate when it is newer.
      level: this.db.prepare(
        `INSERT INTO levels (sku, on_hand, reserved, available, version) VALUES (@sku, @onHand, @reserved, @available, @version)
         ON CONFLICT (sku) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved, available = excluded.available, version = excluded.version
         WHERE excluded.version >= levels.version`,
      ),
      network: this.db.prepare('INSERT INTO network (sku, available) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET available = excluded.available'),
      cursor: this.db.prepare("INSERT INTO meta (key, value) VALUES ('cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      // What the store's own till events not yet forwarded add to the hub's on-hand of a SKU.
      queued: this.db
        .prepare(
          `SELECT coalesce(sum(CASE json_extract(body, '$.type') WHEN 'SALE' THEN -json_extract(body, '$.quantity') ELSE json_extract(body, '$.quantity') END), 0)
           FROM outbox WHERE sent_at IS NULL AND rejected IS NULL AND json_extract(body, '$.sku') = ?`,
        )
        .pluck(),
    };
  }

  /**
   * Applies what the feed sent, in order, in one transaction (one disk sync for a whole chunk of
   * a snapshot rather than one per row). A cursor is stored with the updates before it. The
   * store's till events still queued stay applied on top of the hub's level, so the tills keep
   * seeing their own sales while the WAN is down.
   */
  applyFeed(updates: readonly FeedUpdate[]): void {
    // The newest outbox event when the level was stored: the level may count that one and those before it.
    const fed = this.db.prepare(
      'INSERT INTO fed (sku, outbox_seq) VALUES (?, (SELECT coalesce(max(seq), 0) FROM outbox)) ON CONFLICT (sku) DO UPDATE SET outbox_seq = excluded.outbox_seq',
    );
    this.db.transaction(() => {
      for (const update of updates) {
        if (update.kind === 'level') {
          const delta = this.statements.queued.get(update.level.sku) as number;
          this.statements.level.run({ ...update.level, onHand: update.level.onHand + delta, available: update.level.available + delta });
          fed.run(update.level.sku);
        } else if (update.kind === 'network') this.statements.network.run(update.sku, update.available);
        else this.statements.cursor.run(update.cursor);
      }
    })();
  }

  /**
   * Overwrites the local rows of these SKUs with the hub's numbers whatever their version: the
   * copy was altered, so its version cannot be trusted (a raised one would block the feed for
   * good); the hub's version is stored, so the feed goes on from there. The outbox is untouched,
   * and its still-queued till events stay applied on top of the hub's on-hand, as queue() applies
   * them: the tills keep seeing their own sales until the hub confirms them. Events already
   * acknowledged by the hub are taken to be in the hub's number; rejected ones never will be.
   */
  resync(snapshots: readonly HubSnapshot[]): ResyncResult[] {
    const onHand = this.db.prepare('SELECT on_hand FROM levels WHERE sku = ?').pluck();
    const queued = this.statements.queued;
    const replace = this.db.prepare(
      `INSERT INTO levels (sku, on_hand, reserved, available, version) VALUES (@sku, @onHand, @reserved, @available, @version)
       ON CONFLICT (sku) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved, available = excluded.available, version = excluded.version`,
    );
    const remove = this.db.prepare('DELETE FROM levels WHERE sku = ?');
    const removeNetwork = this.db.prepare('DELETE FROM network WHERE sku = ?');
    return this.db.transaction(() =>
      snapshots.map(({ sku, level, networkAvailable }): ResyncResult => {
        const was = (onHand.get(sku) as number | undefined) ?? null;
        if (networkAvailable === null) removeNetwork.run(sku);
        else this.statements.network.run(sku, networkAvailable);
        if (level === null) {
          if (was !== null) remove.run(sku);
          return { sku, outcome: was === null ? 'absent' : 'removed', was, hubOnHand: null, onHand: null, queued: 0 };
        }
        const delta = queued.get(sku) as number;
        replace.run({ sku, onHand: level.onHand + delta, reserved: level.reserved, available: level.available + delta, version: level.version });
        return { sku, outcome: 'replaced', was, hubOnHand: level.onHand, onHand: level.onHand + delta, queued: delta };
      }),
    )();
  }

  /** Every SKU the local copy holds a level for. */
  skus(): string[] {
    return this.db.prepare('SELECT sku FROM levels ORDER BY sku').pluck().all() as string[];
  }

  cursor(): string | null {
    return (this.db.prepare("SELECT value FROM meta WHERE key = 'cursor'").get() as { value: string } | undefined)?.value ?? null;
  }

  level(sku: string): LocalLevel | null {
    const row = this.db
      .prepare('SELECT l.sku, l.on_hand, l.reserved, l.available, l.version, n.available AS network FROM levels l LEFT JOIN network n USING (sku) WHERE l.sku = ?')
      .get(sku) as { sku: string; on_hand: number; reserved: number; available: number; version: number; network: number | null } | undefined;
    return row === undefined ? null : { sku: row.sku, onHand: row.on_hand, reserved: row.reserved, available: row.available, version: row.version, networkAvailable: row.network };
  }

  /**
   * Queues till events (a repeated id is ignored: the till's retry changes nothing) and moves the
   * local estimate at once, so the tills see their own sales before the hub confirms them.
   * Returns how many were new.
   */
  queue(events: readonly TillEvent[]): number {
    const insert = this.db.prepare('INSERT OR IGNORE INTO outbox (id, body, created_at) VALUES (?, ?, ?)');
    const move = this.db.prepare('UPDATE levels SET on_hand = on_hand + ?, available = available + ? WHERE sku = ?');
    return this.db.transaction(() => {
      let added = 0;
      for (const event of events) {
        if (insert.run(event.id, JSON.stringify(event), new Date().toISOString()).changes === 0) continue;
        const delta = event.type === 'SALE' ? -event.quantity : event.quantity;
        move.run(delta, delta, event.sku);
        added++;
      }
      return added;
    })();
  }

  /** The oldest unsent till events, in the order the tills recorded them. */
  pending(limit: number): Array<{ seq: number; event: TillEvent }> {
    const rows = this.db.prepare('SELECT seq, body FROM outbox WHERE sent_at IS NULL AND rejected IS NULL ORDER BY seq LIMIT ?').all(limit) as Array<{ seq: number; body: string }>;
    return rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.body) as TillEvent }));
  }

  /**
   * The hub acknowledged these events. A feed level that came after an event was queued may
   * already count it (the hub applied it before its answer reached the agent: a sinks instance
   * killed after writing to Kafka, the agent's resend acknowledged later), and was stored with the
   * event applied on top: the event comes out of the copy, or the store would be short by it until
   * that SKU changes again. Without such a level the next one counts it, and nothing changes now.
   */
  markSent(seqs: readonly number[]): void {
    const mark = this.db.prepare('UPDATE outbox SET sent_at = ? WHERE seq = ?');
    const fedSince = this.db.prepare('SELECT 1 FROM fed WHERE sku = ? AND outbox_seq >= ?').pluck();
    const now = new Date().toISOString();
    this.db.transaction(() =>
      seqs.forEach((seq) => {
        mark.run(now, seq);
        const row = this.outboxRow(seq);
        if (row !== null && fedSince.get(row.event.sku, seq) !== undefined) this.unapply(row.event);
      }),
    )();
  }

  /** A batch the hub refused as invalid: kept, with the reason, for a person to look at; the hub will never count it, so neither does the copy. */
  markRejected(seqs: readonly number[], reason: string): void {
    const mark = this.db.prepare('UPDATE outbox SET rejected = ? WHERE seq = ?');
    this.db.transaction(() =>
      seqs.forEach((seq) => {
        mark.run(reason, seq);
        const row = this.outboxRow(seq);
        if (row !== null) this.unapply(row.event);
      }),
    )();
  }

  private outboxRow(seq: number): { event: TillEvent } | null {
    const row = this.db.prepare('SELECT body FROM outbox WHERE seq = ?').get(seq) as { body: string } | undefined;
    return row === undefined ? null : { event: JSON.parse(row.body) as TillEvent };
  }

  private unapply(event: TillEvent): void {
    const delta = event.type === 'SALE' ? -event.quantity : event.quantity;
    this.db.prepare('UPDATE levels SET on_hand = on_hand - ?, available = available - ? WHERE sku = ?').run(delta, delta, event.sku);
  }

  backlog(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND rejected IS NULL').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
