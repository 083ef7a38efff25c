import { LocalDb } from '../../../connectors/store-agent/local-db';
import type { TillEvent } from '../../../core/model';

const sale = (id: string, quantity = 1): TillEvent => ({ id, type: 'SALE', sku: 'A', quantity, occurredAt: '2026-11-29T10:00:00Z', till: 'T01' });

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

  it('remembers the feed cursor', () => {
    expect(db.cursor()).toBeNull();
    db.applyFeed([{ kind: 'cursor', cursor: '4711' }]);
    expect(db.cursor()).toBe('4711');
  });
});
