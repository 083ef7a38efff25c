import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../core/errors';
import { createShopify, loadShopifyConfig } from '../../../core/shopify';
import { development } from '../../support/development';

describe('loadShopifyConfig', () => {
  it('reads the local-dev defaults from config/shopify.json', () => {
    const config = loadShopifyConfig(development());
    expect(config).toMatchObject({
      shop: 'retailmax.myshopify.com',
      apiVersion: '2026-07',
      apiKey: 'dev-shopify-api-key',
      apiSecret: 'dev-shopify-webhook-secret',
      appHost: 'localhost:8090',
      accessToken: 'dev-shopify-admin-token',
      adminUrl: 'http://127.0.0.1:8095',
      webLocationId: 'DC01',
    });
    // The DC (online orders ship from it) and the 20 stores are Shopify locations.
    expect(Object.values(config.locations)).toEqual(['DC01', ...Array.from({ length: 20 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`)]);
  });

  it('lets SHOPIFY_* variables override the app identity and secret', () => {
    const config = loadShopifyConfig(development({
      SHOPIFY_SHOP: 'retailmax-staging.myshopify.com',
      SHOPIFY_API_VERSION: '2026-04',
      SHOPIFY_API_KEY: 'key-1',
      SHOPIFY_API_SECRET: 'shpss_0123456789abcdef',
      SHOPIFY_APP_HOST: 'hub.retailmax.example',
      SHOPIFY_ACCESS_TOKEN: 'shpat_1',
      SHOPIFY_ADMIN_URL: 'http://127.0.0.1:9999',
    }));
    expect(config).toMatchObject({ shop: 'retailmax-staging.myshopify.com', apiVersion: '2026-04', apiKey: 'key-1', apiSecret: 'shpss_0123456789abcdef', appHost: 'hub.retailmax.example', accessToken: 'shpat_1', adminUrl: 'http://127.0.0.1:9999' });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadShopifyConfig(development({ SHOPIFY_API_VERSION: '2019-04' }))).toThrow(expect.objectContaining({ constructor: ConfigError, key: 'SHOPIFY_API_VERSION' }));
  });

  it('reads the file SHOPIFY_CONFIG_FILE names, and refuses a location id that is not Shopify-shaped', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shopify-')), 'shopify.json');
    writeFileSync(path, JSON.stringify({ shop: 's.myshopify.com', apiVersion: '2026-07', apiKey: 'k', apiSecret: 's', appHost: 'h', accessToken: 't', locations: { 'gid://shopify/Location/1': 'WEB' } }));
    expect(() => loadShopifyConfig(development({ SHOPIFY_CONFIG_FILE: path }))).toThrow(expect.objectContaining({ key: 'locations.gid://shopify/Location/1' }));
  });
});

it('createShopify builds a library instance that knows the webhook secret', () => {
  const shopify = createShopify(loadShopifyConfig(development({ SHOPIFY_API_SECRET: 'shpss_test' })));
  expect(shopify.config.apiSecretKey).toBe('shpss_test');
  expect(typeof shopify.webhooks.validate).toBe('function');
});
