/**
 * The store feed on the live API: a store sees its own level changes and the network's
 * availability within seconds, is refused another store's feed, and after a disconnect resumes
 * from its Last-Event-ID with exactly what it missed.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { hubPool } from '../support/hub-db';
import { startService, type Service } from '../support/services';
import { SseClient, type SseEvent } from '../support/sse';

const run = randomUUID().slice(0, 8);
const PORT = 18095;
const S001 = 'dev-token-api-S001';
const S002 = 'dev-token-api-S002';
const data = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;

describe('store feed', () => {
  let api: Service;
  let pool: Pool;
  const sku = `FEED${run}`;
  const feed = (store: string, token: string, headers: Record<string, string> = {}, query = '?from=now') =>
    new SseClient(`${api.url}/v1/stores/${store}/feed${query}`, { authorization: `Bearer ${token}`, ...headers });
  const reserve = async (token: string, locationId: string) =>
    (await (
      await fetch(`${api.url}/v1/reservations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sku, locationId, quantity: 1 }),
      })
    ).json()) as { id: string };

  beforeAll(async () => {
    pool = await hubPool();
    api = await startService('api-feed', 'hub/api/main.ts', PORT, { API_HTTP_PORT: String(PORT), API_REFILL_CACHE: 'false' });
    await pool.query(`INSERT INTO stock_levels (sku, location_id, on_hand) VALUES ($1, 'S001', 10), ($1, 'S002', 5)`, [sku]);
  });

  afterAll(async () => {
    await api?.stop();
    await pool.end();
  });

  it('streams the store\'s own levels and network availability, and resumes after a disconnect', async () => {
    const s001 = feed('S001', S001);
    await s001.open();
    expect(s001.status).toBe(200);

    const mine = await reserve(S001, 'S001');
    const level = await s001.waitFor((e) => e.event === 'level' && data(e).sku === sku, 5_000, 'own level');
    expect(data(level)).toMatchObject({ locationId: 'S001', onHand: 10, reserved: 1, available: 9 });
    await s001.waitFor((e) => e.event === 'network' && data(e).sku === sku && data(e).available === 14, 5_000, 'network availability');

    await reserve(S002, 'S002');
    await s001.waitFor((e) => e.event === 'network' && data(e).sku === sku && data(e).available === 13, 5_000, 'another store\'s change');
    expect(s001.events.filter((e) => e.event === 'level' && data(e).sku === sku && data(e).locationId !== 'S001')).toEqual([]);

    await s001.waitFor((e) => e.event === 'cursor', 5_000, 'cursor');
    const resumeFrom = s001.lastEventId!;
    s001.close();
    await fetch(`${api.url}/v1/reservations/${mine.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${S001}` } });

    const again = feed('S001', S001, { 'last-event-id': resumeFrom }, '');
    await again.open();
    const missed = await again.waitFor((e) => e.event === 'level' && data(e).sku === sku, 5_000, 'the change made while disconnected');
    expect(data(missed)).toMatchObject({ reserved: 0, available: 10 });
    again.close();
  });

  it('refuses another store\'s feed and a forged cursor', async () => {
    const foreign = feed('S002', S001);
    await foreign.open();
    expect(foreign.status).toBe(403);
    const forged = feed('S001', S001, { 'last-event-id': 'abc' }, '');
    await forged.open();
    expect(forged.status).toBe(400);
  });
});
