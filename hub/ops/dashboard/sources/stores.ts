import type { Registry } from 'prom-client';

export interface StoreFeeds {
  connected: number;
  stores: Array<{ store: string; connections: number }>;
}

/**
 * Store feeds connected to this API process: its own stockhub_feed_connections gauge (hub/feed).
 * With several API instances each shows its own; Grafana sums them.
 */
export async function readStoreFeeds(registry: Registry): Promise<StoreFeeds> {
  const gauge = registry.getSingleMetric('stockhub_feed_connections');
  if (gauge === undefined) throw new Error('stockhub_feed_connections is not registered (no store feed in this process)');
  const { values } = await gauge.get();
  const stores = values
    .filter((v) => v.value > 0)
    .map((v) => ({ store: String(v.labels.store), connections: v.value }))
    .sort((a, b) => a.store.localeCompare(b.store));
  return { connected: stores.length, stores };
}
