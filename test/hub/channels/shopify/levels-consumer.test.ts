import type { KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { wantedFromLevels } from '../../../../hub/channels/shopify/levels-consumer';

const logger = pino({ level: 'silent' });
const message = (value: unknown, offset = '0'): KafkaMessage => ({ key: null, value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), offset, timestamp: '0', attributes: 0, headers: {} });
const level = (sku: string, locationId: string, available: number, version: number) => ({ sku, locationId, onHand: available, reserved: 0, safetyStock: 0, available, negative: available < 0, version, updatedAt: '2026-11-29T10:00:00.000Z' });

describe('wantedFromLevels', () => {
  it('keeps the newest version per level, only at Shopify locations, and skips what is not a level', () => {
    const wanted = wantedFromLevels(
      [message(level('A', 'S001', 5, 2)), message(level('A', 'S001', 4, 3)), message(level('A', 'S001', 9, 1)), message(level('A', 'WEB', 1, 1)), message(null), message('not json'), message({ sku: 'B' }), message(level('B', 'DC01', 7.5, 1))],
      new Set(['S001', 'DC01']),
      logger,
    );
    expect(wanted).toEqual([
      { sku: 'A', locationId: 'S001', available: 4, version: 3, updatedAt: '2026-11-29T10:00:00.000Z' },
      { sku: 'B', locationId: 'DC01', available: 7, version: 1, updatedAt: '2026-11-29T10:00:00.000Z' },
    ]);
  });
});
