import pino from 'pino';
import { DependencyError } from '../../../core/errors';
import type { AdminRequest, EchoMarks } from '../../../core/shopify';
import { ShopifyInventoryLookups } from '../../../sinks/shopify';
import { record } from './records';

const logger = pino({ level: 'silent' });
const levelUpdate = (webhookId: string, item: number, available: number) =>
  record('inventory_levels/update', Buffer.from(JSON.stringify({ inventory_item_id: item, location_id: 74128450876, available, updated_at: '2026-11-29T10:00:00Z' })), '0', webhookId);

function lookups(admin: AdminRequest, echoed: Set<string>) {
  const taken: string[] = [];
  const echo = {
    take: async (item: string, location: string, quantity: number) => {
      const key = `${item}:${location}:${quantity}`;
      taken.push(key);
      return echoed.delete(key);
    },
  } as unknown as EchoMarks;
  return { subject: new ShopifyInventoryLookups(admin, echo, logger, new Set(['74128450876'])), taken };
}

describe('ShopifyInventoryLookups', () => {
  it('asks Shopify once for the SKUs of unknown items, and recognises the hub’s own writes', async () => {
    const asked: unknown[] = [];
    const admin = (async (_doc: string, variables?: Record<string, unknown>) => {
      asked.push(variables);
      return { data: { nodes: [{ legacyResourceId: '111', sku: '10000001' }, null] }, cost: null };
    }) as AdminRequest;
    const { subject, taken } = lookups(admin, new Set(['333:74128450876:4']));
    await subject.prepare([levelUpdate('w1', 111, 5), levelUpdate('w2', 222, 6), levelUpdate('w3', 333, 4)]);
    await subject.prepare([levelUpdate('w4', 111, 7)]);
    // 333 is an echo: its SKU is not needed. 111 is known by the second batch.
    expect(asked).toEqual([{ ids: ['gid://shopify/InventoryItem/111', 'gid://shopify/InventoryItem/222'] }]);
    expect(subject.itemSkus('111')).toBe('10000001');
    expect(subject.itemSkus('222')).toBeNull();
    expect([subject.isEcho('w1'), subject.isEcho('w3')]).toEqual([false, true]);
    expect(taken).toEqual(['111:74128450876:5', '222:74128450876:6', '333:74128450876:4', '111:74128450876:7']);
  });

  it('looks nothing up for a location where Shopify’s edits do not count', async () => {
    const admin = (async () => {
      throw new Error('must not be called');
    }) as unknown as AdminRequest;
    const subject = new ShopifyInventoryLookups(admin, { take: async () => false } as unknown as EchoMarks, logger, new Set(['1']));
    await subject.prepare([levelUpdate('w1', 111, 5)]);
    expect(subject.itemSkus('111')).toBeNull();
  });

  it('leaves the SKU unknown when Shopify does not answer (the record is dead-lettered, not lost)', async () => {
    const admin = (async () => {
      throw new DependencyError('Shopify unreachable', 'shopify');
    }) as AdminRequest;
    const { subject } = lookups(admin, new Set());
    await expect(subject.prepare([levelUpdate('w1', 111, 5)])).resolves.toBeUndefined();
    expect(subject.itemSkus('111')).toBeNull();
  });
});
