/**
 * Opening stock for the levels the load touches: the same number in the hub (a COUNT on
 * stock.movements, as the benchmarks give theirs) and in the suite's Shopify emulator, so that
 * Shopify, the store agents and the hub start equal and every later difference is the run's.
 */
import { connectProducer } from '../../core/kafka';
import { loadShopifyConfig } from '../../core/shopify';
import { countMovement, produceMovements } from '../bench/support/hub';
import type { ChaosHub } from './hub';
import { say } from './log';
import { StockHubError } from '../../core/errors';

/** High enough that the run's sales never take a level to zero, where Shopify would refuse an order. */
export const OPENING = 5_000;

export async function warmUp(hub: ChaosHub, skus: readonly string[], locations: readonly string[]): Promise<void> {
  const shopifyIdOf = new Map(Object.entries(loadShopifyConfig().locations).map(([id, location]) => [location, id]));
  await hub.emulator.addItems(skus.map((sku) => ({ sku, levels: Object.fromEntries(locations.map((l) => [shopifyIdOf.get(l)!, OPENING])) })));
  const producer = await connectProducer(hub.kafka);
  try {
    await produceMovements(producer, skus.flatMap((sku) => locations.map((l) => countMovement(`chaos-${hub.run}`, sku, l, OPENING))));
  } finally {
    await producer.disconnect();
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows } = await hub.pool.query<{ n: string }>('SELECT count(*) AS n FROM stock_levels WHERE sku = ANY($1::text[]) AND on_hand = $2', [skus, OPENING]);
    const n = Number(rows[0]!.n);
    if (n >= skus.length * locations.length) break;
    if (Date.now() > deadline) throw new StockHubError(`warm-up: ${n}/${skus.length * locations.length} opening counts in the hub after 120 s`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  say(`warm-up: ${skus.length} SKUs x ${locations.join(', ')} at ${OPENING} in the hub and in Shopify`);
}
