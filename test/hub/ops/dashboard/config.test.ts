import { dashboardConfigSchema } from '../../../../hub/ops/dashboard';

describe('dashboard config', () => {
  it('has a default for everything but the addresses it reads from (config/stack.env supplies them in development)', () => {
    expect(dashboardConfigSchema.safeParse({ CONNECT_URL: 'http://127.0.0.1:8083' }).success).toBe(false);
    expect(
      dashboardConfigSchema.parse({ CONNECT_URL: 'http://127.0.0.1:8083', DASHBOARD_SHOPIFY_METRICS_URL: 'http://127.0.0.1:8093/metrics', CONNECT_METRICS_URLS: 'http://127.0.0.1:9404/metrics, http://127.0.0.1:9405/metrics' }),
    ).toEqual({
      CONNECT_URL: 'http://127.0.0.1:8083',
      CONNECT_METRICS_URLS: ['http://127.0.0.1:9404/metrics', 'http://127.0.0.1:9405/metrics'],
      DASHBOARD_SHOPIFY_METRICS_URL: 'http://127.0.0.1:8093/metrics',
      DASHBOARD_REFRESH_MS: 2_000,
      DASHBOARD_CACHE_MS: 1_000,
      DASHBOARD_SOURCE_TIMEOUT_MS: 1_500,
      DASHBOARD_LEDGER_WINDOW: 50_000,
      DASHBOARD_GROUP_PREFIX: 'stockhub-',
      RECONCILER_GROUP: 'stockhub-reconciler',
      RECONCILER_TOPIC: 'stock.movements',
      DASHBOARD_TRAIL_ROWS: 50,
    });
  });

  it('refuses a malformed URL and a window too small to mean anything', () => {
    const urls = { CONNECT_URL: 'http://x', DASHBOARD_SHOPIFY_METRICS_URL: 'http://x/metrics', CONNECT_METRICS_URLS: 'http://x/metrics' };
    expect(dashboardConfigSchema.safeParse(urls).success).toBe(true);
    expect(dashboardConfigSchema.safeParse({ ...urls, DASHBOARD_SHOPIFY_METRICS_URL: 'not a url' }).success).toBe(false);
    expect(dashboardConfigSchema.safeParse({ ...urls, CONNECT_METRICS_URLS: 'http://x/metrics,nope' }).success).toBe(false);
    expect(dashboardConfigSchema.safeParse({ ...urls, DASHBOARD_LEDGER_WINDOW: '10' }).success).toBe(false);
  });
});
