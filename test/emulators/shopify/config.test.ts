import { ConfigError } from '../../../core/errors';
import { loadEmulatorOptions, bucketOf } from '../../../emulators/shopify';
import { IdempotencyKeys } from '../../../emulators/shopify/idempotency';
import { parseOrderQuery, parseSkuQuery } from '../../../emulators/shopify/search';
import { development } from '../../support/development';

describe('emulator options', () => {
  it('defaults to the shop of config/shopify.json, port 8095, standard plan, ERP seed', () => {
    const options = loadEmulatorOptions(development({ ERP_PG_PASSWORD: 'x' }));
    expect(options).toMatchObject({
      port: 8095,
      shop: 'retailmax.myshopify.com',
      apiVersion: '2026-07',
      accessToken: 'dev-shopify-admin-token',
      webhookUrl: 'http://127.0.0.1:8090/webhooks/shopify',
      webhooksEnabled: true,
      plan: 'standard',
      seedFrom: 'erp',
      erp: { host: '127.0.0.1', port: 55432, database: 'erp', user: 'erpapp', password: 'x' },
      webLocationId: 'DC01',
    });
    expect(Object.keys(options.locations)).toHaveLength(21);
    expect(bucketOf(options)).toEqual({ restoreRate: 100, maximumAvailable: 2000 });
  });

  it("retries a failed webhook as Shopify does, 8 times with growing waits, outlasting a minute-long outage of the receiver", () => {
    const delays = loadEmulatorOptions(development({ SHOPIFY_EMULATOR_SEED: 'none' })).webhookRetryDelaysMs;
    expect(delays).toEqual([1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000]);
    // A sink whose broker was killed fails for a minute or more: the retries must reach well past that.
    expect(delays.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThan(10 * 60_000);
  });

  it('reads SHOPIFY_EMULATOR_* from the environment', () => {
    const options = loadEmulatorOptions(development({
      SHOPIFY_EMULATOR_PORT: '9999',
      SHOPIFY_EMULATOR_SEED: 'none',
      SHOPIFY_EMULATOR_PLAN: 'plus',
      SHOPIFY_EMULATOR_BUCKET: '500',
      SHOPIFY_EMULATOR_WEBHOOK_URL: 'http://127.0.0.1:1/hooks',
      SHOPIFY_EMULATOR_WEBHOOKS: 'false',
      SHOPIFY_EMULATOR_LATENCY_MS: '20',
      SHOPIFY_EMULATOR_WEBHOOK_RETRY_DELAYS_MS: '20, 50,100',
    }));
    expect(options).toMatchObject({ port: 9999, seedFrom: 'none', plan: 'plus', webhookUrl: 'http://127.0.0.1:1/hooks', webhooksEnabled: false, latencyMs: 20, webhookRetryDelaysMs: [20, 50, 100] });
    expect(options.erp).toBeUndefined();
    expect(bucketOf(options)).toEqual({ restoreRate: 1000, maximumAvailable: 500 });
  });

  it('names the bad key', () => {
    expect(() => loadEmulatorOptions(development({ SHOPIFY_EMULATOR_SEED: 'none', SHOPIFY_EMULATOR_PLAN: 'gold' }))).toThrow(ConfigError);
    expect(() => loadEmulatorOptions(development({ SHOPIFY_EMULATOR_SEED: 'none', SHOPIFY_EMULATOR_WEBHOOKS: 'yes' }))).toThrow(/SHOPIFY_EMULATOR_WEBHOOKS/);
    expect(() => loadEmulatorOptions(development({ SHOPIFY_EMULATOR_SEED: 'none', SHOPIFY_EMULATOR_WEBHOOK_RETRY_DELAYS_MS: '1000,,5000' }))).toThrow(/SHOPIFY_EMULATOR_WEBHOOK_RETRY_DELAYS_MS/);
    expect(() => loadEmulatorOptions(development({ SHOPIFY_EMULATOR_SEED: 'none', SHOPIFY_EMULATOR_WEBHOOK_RETRY_DELAYS_MS: '1s' }))).toThrow(/SHOPIFY_EMULATOR_WEBHOOK_RETRY_DELAYS_MS/);
  });
});

describe('search syntax', () => {
  it('reads OR-joined sku terms, quoted or not', () => {
    expect(parseSkuQuery(`sku:A OR sku:'B C' OR sku:"D"`)).toEqual(['A', 'B C', 'D']);
    expect(() => parseSkuQuery('sku:A AND vendor:x')).toThrow(/not emulated/);
  });

  it('reads time comparisons', () => {
    expect(parseOrderQuery(`updated_at:>'2026-11-29T10:00:00Z' AND created_at:<=2026-11-30 status:any`)).toEqual([
      { field: 'updatedAt', op: '>', at: Date.parse('2026-11-29T10:00:00Z') },
      { field: 'createdAt', op: '<=', at: Date.parse('2026-11-30') },
    ]);
    expect(() => parseOrderQuery('financial_status:paid')).toThrow(/not emulated/);
  });
});

describe('IdempotencyKeys', () => {
  it('forgets a key after its TTL, ignores key order in the input', () => {
    let now = 0;
    const keys = new IdempotencyKeys<string>(1000, () => now);
    const claim = keys.claim('k', { a: 1, b: 2 });
    expect(claim.kind).toBe('new');
    if (claim.kind === 'new') claim.finish('first');
    expect(keys.claim('k', { b: 2, a: 1 })).toEqual({ kind: 'replay', response: 'first' });
    now = 1001;
    expect(keys.claim('k', { a: 3 }).kind).toBe('new');
  });
});
