import type { KafkaMessage } from 'kafkajs';
import { InvalidInputError } from '../../../../core/errors';
import { decodeLevelView, levelsStage, wantedFromLevels } from '../../../../hub/channels/shopify/levels-consumer';
import type { PushStore, WantedLevel } from '../../../../hub/channels/shopify/push-store';
import pino from 'pino';

const message = (value: unknown, offset = '0'): KafkaMessage => ({ key: null, value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), offset, timestamp: '0', attributes: 0, headers: {} });
const level = (sku: string, locationId: string, available: number, version: number) => ({ sku, locationId, onHand: available, reserved: 0, safetyStock: 0, available, negative: available < 0, version, updatedAt: '2026-11-29T10:00:00.000Z' });

describe('the Shopify channel on stock.levels', () => {
  it('keeps the newest version per level, only at Shopify locations', () => {
    const wanted = wantedFromLevels([level('A', 'S001', 5, 2), level('A', 'S001', 4, 3), level('A', 'S001', 9, 1), level('A', 'WEB', 1, 1), level('B', 'DC01', 7.5, 1)], new Set(['S001', 'DC01']));
    expect(wanted).toEqual([
      { sku: 'A', locationId: 'S001', available: 4, version: 3, updatedAt: '2026-11-29T10:00:00.000Z' },
      { sku: 'B', locationId: 'DC01', available: 7, version: 1, updatedAt: '2026-11-29T10:00:00.000Z' },
    ]);
  });

  it('refuses what is not a level view, naming the field, so that the runtime dead-letters it', () => {
    expect(() => decodeLevelView({ sku: 'B' })).toThrow(InvalidInputError);
    expect(() => decodeLevelView({ sku: 'B' })).toThrow(/locationId/);
    const stage = levelsStage({} as PushStore, new Set(), () => undefined, pino({ level: 'silent' }));
    expect(() => stage.decode(message('not json'), 'stock.levels', 0)).toThrow(SyntaxError);
    expect(stage.decode(message(null), 'stock.levels', 0)).toBeNull();
  });

  it('stores what Shopify should show and wakes the pusher', async () => {
    const stored: WantedLevel[][] = [];
    let woken = 0;
    const store = { upsertWanted: async (levels: WantedLevel[]) => void stored.push(levels) } as unknown as PushStore;
    const stage = levelsStage(store, new Set(['S001']), () => (woken += 1), pino({ level: 'silent' }));
    const records = [level('A', 'S001', 3, 1), level('A', 'S002', 3, 1)].map((value, i) => ({ topic: 'stock.levels', partition: 0, message: message(value, String(i)), value }));
    await stage.handle([...records, { topic: 'stock.levels', partition: 0, message: message(null, '2'), value: null }], { topic: 'stock.levels', partition: 0, lastOffset: '2' });
    expect(stored).toEqual([[{ sku: 'A', locationId: 'S001', available: 3, version: 1, updatedAt: '2026-11-29T10:00:00.000Z' }]]);
    expect(woken).toBe(1);
  });
});
