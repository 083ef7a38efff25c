import { LocalDb, type HubSnapshot } from '../../../connectors/store-agent/local-db';
import type { TillEvent } from '../../../core/model';

const sale = (id: string, quantity = 1, sku = 'A'): TillEvent => ({ id, type: 'SALE', sku, quantity, occurredAt: '2026-11-29T10:00:00Z', till: 'T01' });
const giveBack = (id: string, quantity = 1): TillEvent => ({ ...sale(id, quantity), type: 'RETURN' });
const hub = (sku: string, onHand: number, version: number, extra: Partial<HubSnapshot> = {}): HubSnapshot => ({
  sku,
  level: { onHand, reserved: 1, available: onHand - 1, version },
  networkAvailable: onHand + 20,
  ...extra,
});

describe('LocalDb', () => {
  let db: LocalDb;
  beforeEach(() => {
    db = new LocalDb(':memory:');
    db.applyFeed([{ kind: 'level', level: { sku: 'A', onHand: 10, reserved: 0, available: 10, version: 3 } }]);
  });
  afterEach(() => db.close());

  it('queues a till event once, however often the till sends it, and moves the local estimate once', () => {
    expect(db.queue([sale('T1'), sale('T2', 2)])).toBe(2);
    expect(db.queue([sale('T1')])).toBe(0);
    expect(db.level('A')).toMatchObject({ onHand: 7, available: 7 });
    expect(db.pending(10).map((p) => p.event.id)).toEqual(['T1', 'T2']);
  });

  it('hands out pending events oldest first and forgets them once sent', () => {
    db.queue([sale('T1'), sale('T2'), sale('T3')]);
    const [first, second] = db.pending(2);
    db.markSent([first!.seq, second!.seq]);
    expect(db.pending(10).map((p) => p.event.id)).toEqual(['T3']);
    expect(db.backlog()).toBe(1);
  });

  it('keeps the newest level: an older version from a replayed feed does not overwrite', () => {
    db.applyFeed([{ kind: 'level', level: { sku: 'A', onHand: 4, reserved: 0, available: 4, version: 2 } }]);
    expect(db.level('A')).toMatchObject({ onHand: 10, version: 3 });
    db.applyFeed([{ kind: 'level', level: { sku: 'A', onHand: 5, reserved: 1, available: 4, version: 4 } }, { kind: 'network', sku: 'A', available: 9 }]);
    expect(db.level('A')).toMatchObject({ onHand: 5, reserved: 1, version: 4, networkAvailable: 9 });
  });

  it('keeps the till events still queued applied on top of a newer hub level, until they are sent', () => {
    db.queue([sale('T1', 2)]);
    db.applyFeed([{ kind: 'level', level: { sku: 'A', onHand: 20, reserved: 1, available: 19, version: 4 } }]);
    expect(db.level('A')).toMatchObject({ onHand: 18, available: 17, version: 4 });
    db.markSent(db.pending(10).map((p) => p.seq));
    db.applyFeed([{ kind: 'level', level: { sku: 'A', onHand: 18, reserved: 1, available: 17, version: 5 } }]);
    expect(db.level('A')).toMatchObject({ onHand: 18, available: 17, version: 5 });
  });

  it('takes an acknowledged sale out of the copy when a hub level that came after it may count it already (the hub applied it before its answer arrived)', () => {
    db.queue([sale('T1', 2)]);
    expect(db.level('A')).toMatchObject({ onHand: 8 });
    // The hub applied T1 (10 - 2) before the agent heard its 202: the copy counts the sale twice.
    db.applyFeed([{ kind: 'level', level: { sku: 'A', onHand: 8, reserved: 0, available: 8, version: 4 } }]);
    expect(db.level('A')).toMatchObject({ onHand: 6 });
    db.markSent(db.pending(10).map((p) => p.seq));
    expect(db.level('A')).toMatchObject({ onHand: 8, available: 8, version: 4 });
  });

  it('leaves the copy alone when the acknowledgement comes before any newer hub level, which will count the sale', () => {
    db.queue([sale('T1', 2)]);
    db.markSent(db.pending(10).map((p) => p.seq));
    expect(db.level('A')).toMatchObject({ onHand: 8 });
    db.applyFeed([{ kind: 'level', level: { sku: 'A', onHand: 8, reserved: 0, available: 8, version: 4 } }]);
    expect(db.level('A')).toMatchObject({ onHand: 8 });
  });

  it('takes a rejected sale out of the copy: the hub will never count it', () => {
    db.queue([sale('T1', 2)]);
    db.markRejected(db.pending(10).map((p) => p.seq), 'invalid');
    expect(db.level('A')).toMatchObject({ onHand: 10, available: 10 });
  });

  it('remembers the feed cursor', () => {
    expect(db.cursor()).toBeNull();
    db.applyFeed([{ kind: 'cursor', cursor: '4711' }]);
    expect(db.cursor()).toBe('4711');
  });

  describe('resync (POST /resync): the hub wins', () => {
    /** Behind the agent's back, as the tampering in the drift test does. */
    const tamper = (sql: string) => (db as unknown as { db: { exec(sql: string): void } }).db.exec(sql);

    it('overwrites a tampered row with the hub’s numbers, whatever its version, and the feed goes on from the hub’s version', () => {
      tamper("UPDATE levels SET on_hand = 4, available = 4, version = 999 WHERE sku = 'A'");
      expect(db.resync([hub('A', 10, 5)])).toEqual([{ sku: 'A', outcome: 'replaced', was: 4, hubOnHand: 10, onHand: 10, queued: 0 }]);
      expect(db.level('A')).toEqual({ sku: 'A', onHand: 10, reserved: 1, available: 9, version: 5, networkAvailable: 30 });
      // The tampered version 999 no longer blocks the feed.
      db.applyFeed([{ kind: 'level', level: { sku: 'A', onHand: 8, reserved: 0, available: 8, version: 6 } }]);
      expect(db.level('A')).toMatchObject({ onHand: 8, version: 6 });
    });

    it('keeps the outbox, and keeps its still-queued sales and returns applied on top of the hub’s on-hand', () => {
      db.queue([sale('T1', 2), sale('T2', 3), giveBack('T3', 1), sale('B1', 5, 'B')]);
      const [first] = db.pending(1);
      db.markSent([first!.seq]); // T1: acknowledged, so taken to be in the hub's number
      const [, , rejected] = db.pending(10);
      db.markRejected([rejected!.seq], 'bad'); // B1: refused by the hub, never in its number
      tamper("UPDATE levels SET on_hand = 0, available = 0 WHERE sku = 'A'");

      expect(db.resync([hub('A', 8, 7)])).toEqual([{ sku: 'A', outcome: 'replaced', was: 0, hubOnHand: 8, onHand: 6, queued: -2 }]);
      expect(db.level('A')).toMatchObject({ onHand: 6, available: 5, version: 7 });
      expect(db.pending(10).map((p) => p.event.id)).toEqual(['T2', 'T3']);
      expect(db.backlog()).toBe(2);
    });

    it('adds a row the copy lacks, drops one the hub does not hold for this store, and leaves other SKUs alone', () => {
      db.applyFeed([{ kind: 'level', level: { sku: 'C', onHand: 3, reserved: 0, available: 3, version: 1 } }, { kind: 'network', sku: 'C', available: 3 }]);
      const results = db.resync([hub('B', 6, 2), { sku: 'X', level: null, networkAvailable: null }, { sku: 'A', level: null, networkAvailable: 4 }]);
      expect(results).toEqual([
        { sku: 'B', outcome: 'replaced', was: null, hubOnHand: 6, onHand: 6, queued: 0 },
        { sku: 'X', outcome: 'absent', was: null, hubOnHand: null, onHand: null, queued: 0 },
        { sku: 'A', outcome: 'removed', was: 10, hubOnHand: null, onHand: null, queued: 0 },
      ]);
      expect(db.level('B')).toMatchObject({ onHand: 6, networkAvailable: 26 });
      expect(db.level('A')).toBeNull();
      expect(db.level('C')).toMatchObject({ onHand: 3, version: 1 });
      expect(db.skus()).toEqual(['B', 'C']);
    });
  });
});
