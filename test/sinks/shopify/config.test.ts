import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../core/errors';
import { createShopify, loadShopifyConfig } from '../../../sinks/shopify';

describe('loadShopifyConfig', () => {
  it('reads the local-dev defaults from config/shopify.json', () => {
    expect(loadShopifyConfig({})).toEqual({
      shop: 'retailmax.myshopify.com',
      apiVersion: '2026-07',
      apiKey: 'dev-shopify-api-key',
      apiSecret: 'dev-shopify-webhook-secret',
      appHost: 'localhost:8090',
      webLocationId: 'WEB',
      locations: { '74128450876': 'WEB' },
    });
  });

  it('lets SHOPIFY_* variables override the app identity and secret', () => {
    const config = loadShopifyConfig({
      SHOPIFY_SHOP: 'retailmax-staging.myshopify.com',
      SHOPIFY_API_VERSION: '2026-04',
      SHOPIFY_API_KEY: 'key-1',
      SHOPIFY_API_SECRET: 'shpss_0123456789abcdef',
      SHOPIFY_APP_HOST: 'hub.retailmax.example',
    });
    expect(config).toMatchObject({ shop: 'retailmax-staging.myshopify.com', apiVersion: '2026-04', apiKey: 'key-1', apiSecret: 'shpss_0123456789abcdef', appHost: 'hub.retailmax.example' });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadShopifyConfig({ SHOPIFY_API_VERSION: '2019-04' })).toThrow(expect.objectContaining({ constructor: ConfigError, key: 'SHOPIFY_API_VERSION' }));
  });

  it('reads the file SHOPIFY_CONFIG_FILE names, and refuses a location id that is not Shopify-shaped', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shopify-')), 'shopify.json');
    writeFileSync(path, JSON.stringify({ shop: 's.myshopify.com', apiVersion: '2026-07', apiKey: 'k', apiSecret: 's', appHost: 'h', locations: { 'gid://shopify/Location/1': 'WEB' } }));
    expect(() => loadShopifyConfig({ SHOPIFY_CONFIG_FILE: path })).toThrow(expect.objectContaining({ key: 'locations.gid://shopify/Location/1' }));
  });
});

it('createShopify builds a library instance that knows the webhook secret', () => {
  const shopify = createShopify(loadShopifyConfig({ SHOPIFY_API_SECRET: 'shpss_test' }));
  expect(shopify.config.apiSecretKey).toBe('shpss_test');
  expect(typeof shopify.webhooks.validate).toBe('function');
});
