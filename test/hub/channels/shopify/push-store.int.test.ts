/**
 * shopify_push on the hub's real PostgreSQL: concurrent writers with overlapping rows in
 * opposite orders never deadlock, and the per-row failure policy (wait, park, retry, un-park on a
 * new level version) holds in SQL; the dashboard and the report show what is parked.
 *
 * PUSH_STORE_MODULE points the deadlock test at another PushStore (an older push-store.ts) to
 * show that it is what the test catches: with the unsorted upsert it fails with 40P01.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PushStore, type DueRow, type WantedLevel } from '../../../../hub/channels/shopify/push-store';
import { migrate } from '../../../../hub/db';
import { readShopifyQueue } from '../../../../hub/ops/dashboard/sources/shopify';
import type { DriftRow } from '../../../../hub/ops/report/compare';
import { readParkedLevels } from '../../../../hub/ops/report/shopify-parked';
import { hubDbUrl } from '../../../support/hub-db';

const StoreUnderTest = (process.env.PUSH_STORE_MODULE ? (require(process.env.PUSH_STORE_MODULE) as { PushStore: typeof PushStore }).PushStore : PushStore) as typeof PushStore;
const run = randomUUID().slice(0, 8);
const policy = { maxAttempts: 3, backoffMs: 60_000, backoffMaxMs: 60_000 };

describe('PushStore on PostgreSQL', () => {
  let pool: Pool;
  const channels: string[] = [];
  const channel = (name: string) => {
    const id = `it-push-store-${name}-${run}`;
    channels.push(id);
    return id;
  };

  beforeAll(async () => {
    await migrate(hubDbUrl);
    // Enough connections for every writer at once: the waits happen in PostgreSQL, not in the pool.
    pool = new Pool({ connectionString: hubDbUrl, max: 12 });
  });

  afterAll(async () => {
    await pool?.query('DELETE FROM shopify_push WHERE channel = ANY($1)', [channels]);
    await pool?.end();
  });

  const levels = (skus: string[], version: number, location = 'S001'): WantedLevel[] => skus.map((sku) => ({ sku, locationId: location, available: version, version, updatedAt: new Date().toISOString() }));

  it('takes row locks in one order: many concurrent upserts and pushes over the same rows in opposite orders never deadlock', async () => {
    const store = new StoreUnderTest(pool, channel('locks'));
    // Two locations so that the order is (sku, location_id), not sku alone; names that sort
    // differently by byte and by a linguistic collation.
    const keys = Array.from({ length: 150 }, (_, i) => [`k-${String(i).padStart(3, '0')}`, i % 7 === 0 ? `K_${i}` : `k.${i}`]).flat();
    const forward = [...levels(keys, 1, 'S001'), ...levels(keys, 1, 'DC01')];
    await store.upsertWanted(forward);
    const failures: unknown[] = [];
    for (let round = 0; round < 6; round++) {
      const writers = Array.from({ length: 10 }, (_, i) => {
        const version = 2 + round * 10 + i;
        const batch = [...levels(keys, version, 'S001'), ...levels(keys, version, 'DC01')];
        if (i % 2 === 1) batch.reverse();
        if (i % 3 === 2) {
          const pushed: DueRow[] = batch.map((l) => ({ sku: l.sku, locationId: l.locationId, wanted: l.available, wantedVersion: l.version, wantedAt: new Date(), pushed: null, inventoryItemId: null, refusals: 0 }));
          return store.markPushed(pushed);
        }
        return store.upsertWanted(batch);
      });
      for (const result of await Promise.allSettled(writers)) if (result.status === 'rejected') failures.push(result.reason);
    }
    expect(failures.map((f) => `${(f as { code?: string }).code}: ${(f as Error).message}`)).toEqual([]);
  });

  it('keeps the newest version when one batch holds a level twice', async () => {
    const id = channel('dupes');
    const store = new PushStore(pool, id);
    await store.upsertWanted([...levels(['D1'], 5), ...levels(['D1'], 9), ...levels(['D1'], 7)]);
    expect((await store.due(10)).map((r) => [r.sku, r.wanted, r.wantedVersion])).toEqual([['D1', 9, 9]]);
  });

  it('a refused row waits its backoff, is parked at maxAttempts with its reason, is retried by unpark and by a new level version', async () => {
    const id = channel('policy');
    const store = new PushStore(pool, id);
    await store.upsertWanted(levels(['BAD', 'OK1', 'OK2'], 1));
    const bad = (await store.due(10)).find((r) => r.sku === 'BAD')!;

    expect(await store.recordRefusal([bad], 'Shopify: SOMETHING_NEW refused', policy)).toEqual([{ sku: 'BAD', locationId: 'S001', attempts: 1, parked: false }]);
    // Waiting: not due, still counted as waiting in the queue.
    expect((await store.due(10)).map((r) => r.sku).sort()).toEqual(['OK1', 'OK2']);
    expect((await store.depth()).due).toBe(3);
    const waited = await pool.query<{ wait: number }>(`SELECT extract(epoch FROM not_before - now()) AS wait FROM shopify_push WHERE channel = $1 AND sku = 'BAD'`, [id]);
    expect(Number(waited.rows[0]!.wait)).toBeGreaterThan(50);

    // A refusal of a value the level has since moved past does not count against the new one.
    expect(await store.recordRefusal([{ ...bad, wantedVersion: 0 }], 'old', policy)).toEqual([]);

    await store.recordRefusal([bad], 'Shopify: SOMETHING_NEW refused', policy);
    expect(await store.recordRefusal([bad], 'Shopify: SOMETHING_NEW refused again', policy)).toEqual([{ sku: 'BAD', locationId: 'S001', attempts: 3, parked: true }]);
    expect(await store.parkedCount()).toBe(1);
    expect(await store.parked()).toEqual([{ sku: 'BAD', locationId: 'S001', wanted: 1, wantedVersion: 1, attempts: 3, reason: 'Shopify: SOMETHING_NEW refused again', parkedAt: expect.any(Date) }]);
    // Parked: neither due nor in the queue's depth; a parked row is not refused again.
    expect((await store.depth()).due).toBe(2);
    expect(await store.recordRefusal([bad], 'again', policy)).toEqual([]);
    // ...and the dashboard shows it among the newest parked levels (all channels).
    const shown = await readShopifyQueue(pool);
    expect(shown.parked).toBeGreaterThanOrEqual(1);
    expect(shown.newestParked).toContainEqual({ sku: 'BAD', location: 'S001', attempts: 3, reason: 'Shopify: SOMETHING_NEW refused again', parkedAt: expect.any(String) });
    // ...and the reconciliation report lists it for --system shopify, flagged with its drift.
    const drift = [{ system: 'shopify', sku: 'BAD', location: 'S001' }] as DriftRow[];
    expect(await readParkedLevels(pool, id, ['BAD', 'OK1'], drift)).toEqual([{ sku: 'BAD', location: 'S001', wanted: 1, attempts: 3, reason: 'Shopify: SOMETHING_NEW refused again', parkedAt: expect.any(String), drift: true }]);
    expect(await readParkedLevels(pool, id, ['OK1'], drift)).toEqual([]);

    expect(await store.unpark(['OTHER'])).toEqual([]);
    expect(await store.unpark(['BAD'])).toEqual([{ sku: 'BAD', locationId: 'S001' }]);
    expect((await store.due(10)).map((r) => r.sku).sort()).toEqual(['BAD', 'OK1', 'OK2']);
    const { rows } = await pool.query<{ attempts: number }>(`SELECT attempts FROM shopify_push WHERE channel = $1 AND sku = 'BAD'`, [id]);
    expect(rows[0]!.attempts).toBe(0);

    for (let i = 0; i < 3; i++) await store.recordRefusal([bad], 'parked again', { ...policy, backoffMs: 0 });
    expect(await store.parkedCount()).toBe(1);
    await store.upsertWanted(levels(['BAD'], 2));
    expect(await store.parkedCount()).toBe(0);
    expect((await store.due(10)).find((r) => r.sku === 'BAD')).toMatchObject({ wanted: 2, wantedVersion: 2 });
  });
});
