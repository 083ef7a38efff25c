import { LeakyBucket, type RunningEmulator } from '../../../emulators/shopify';
import { control, gql, startEmulator } from './support';

describe('LeakyBucket', () => {
  it('starts full, refills at restoreRate per second up to the maximum, refuses what it cannot pay', () => {
    let now = 0;
    const bucket = new LeakyBucket(100, 1000, () => now);
    expect(bucket.take(900)).toEqual({ ok: true, status: { maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 100 } });
    expect(bucket.take(150)).toEqual({ ok: false, status: { maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 100 } });
    now += 500; // +50 points
    expect(bucket.take(150).ok).toBe(true);
    expect(bucket.status().currentlyAvailable).toBe(0);
    now += 60_000;
    expect(bucket.status().currentlyAvailable).toBe(1000);
  });

  it('keeps what it holds when the plan changes, capped at the new size', () => {
    let now = 0;
    const bucket = new LeakyBucket(100, 2000, () => now);
    bucket.reconfigure(1000, 20_000);
    expect(bucket.status()).toEqual({ maximumAvailable: 20_000, currentlyAvailable: 2000, restoreRate: 1000 });
    now += 1000;
    expect(bucket.status().currentlyAvailable).toBe(3000);
    bucket.reconfigure(50, 500);
    expect(bucket.status().currentlyAvailable).toBe(500);
  });
});

describe('throttling over HTTP', () => {
  let running: RunningEmulator;
  beforeAll(async () => {
    // A bucket of 100 that barely refills: three 30-point queries pass, the fourth is throttled.
    running = await startEmulator({ restoreRate: 1, maximumAvailable: 100 });
  });
  afterAll(() => running.close());

  const query = '{ locations(first: 28) { nodes { id } } }'; // 2 + 28 = 30

  it('charges each call and reports the bucket in extensions.cost', async () => {
    const first = await gql(running.url, query);
    expect(first.body.extensions.cost).toMatchObject({ requestedQueryCost: 30, actualQueryCost: 30, throttleStatus: { maximumAvailable: 100, restoreRate: 1 } });
    expect(first.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(70);
    await gql(running.url, query);
    await gql(running.url, query);
    const throttled = await gql(running.url, query);
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }]);
    expect(throttled.body.extensions.cost).toEqual({
      requestedQueryCost: 30,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 100, currentlyAvailable: expect.any(Number), restoreRate: 1 },
    });
    expect(throttled.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(30);
    const stats = (await control(running.url, 'GET', '/stats')).body;
    expect(stats.throttled).toBe(1);
    expect(stats.byOperation.locations).toBe(4);
  });

  it('refuses a query dearer than the bucket or 1000 points outright', async () => {
    const answer = await gql(running.url, '{ locations(first: 200) { nodes { id } } }');
    expect(answer.body.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', cost: 202, maxCost: 100 });
    await control(running.url, 'PUT', '/plan', { plan: 'plus', refill: true });
    const huge = await gql(running.url, '{ inventoryItems(first: 250) { nodes { id inventoryLevels(first: 21) { nodes { id } } } } }');
    expect(huge.body.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', maxCost: 1000 });
  });

  it('switches plans through the control API', async () => {
    const answer = await control(running.url, 'PUT', '/plan', { plan: 'advanced', refill: true });
    expect(answer.body).toEqual({ plan: 'advanced', throttleStatus: { maximumAvailable: 4000, currentlyAvailable: 4000, restoreRate: 200 } });
    const ok = await gql(running.url, query);
    expect(ok.body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 4000, restoreRate: 200 });
  });
});
