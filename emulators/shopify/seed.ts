import { Client } from 'pg';
import { DependencyError } from '../../core/errors';
import type { Logger } from '../../core/logging';
import type { ErpConnection } from './config';
import type { ShopState } from './state';

/** Items per level query: bounded memory per round trip, few round trips for 50,000 items. */
const ITEMS_PER_BATCH = 2_000;
/** A progress line roughly every this many levels. */
const PROGRESS_EVERY = 200_000;

/**
 * The catalogue and levels as the nightly batch left Shopify: every ERP item (ITMMST), stocked
 * at each mapped location where the ERP holds a balance (STKBAL), available = QTYOH rounded.
 * Branches not in the location map are not Shopify locations and are skipped.
 */
export async function seedFromErp(state: ShopState, erp: ErpConnection, logger: Logger): Promise<{ items: number; levels: number; ms: number }> {
  const started = Date.now();
  const client = new Client({ ...erp, application_name: 'shopify-emulator-seed' });
  try {
    await client.connect();
  } catch (error) {
    throw new DependencyError(`cannot reach the ERP stand-in at ${erp.host}:${erp.port}/${erp.database} to seed (is the stack up? or SHOPIFY_EMULATOR_SEED=none)`, 'erp', { cause: error });
  }
  try {
    const skus = (await client.query<[string]>({ text: 'SELECT "ITMCD" FROM "ERPADM"."ITMMST" ORDER BY "ITMCD"', rowMode: 'array' })).rows.map((r) => r[0]);
    const at = started;
    for (const sku of skus) state.addItem(sku, false, at);
    logger.info({ items: skus.length }, 'seed: items loaded');
    const byCode = new Map(state.locations.map((l) => [l.hubCode, l]));
    const codes = [...byCode.keys()];
    let levels = 0;
    let nextReport = PROGRESS_EVERY;
    for (let start = 0; start < skus.length; start += ITEMS_PER_BATCH) {
      const first = skus[start]!;
      const last = skus[Math.min(skus.length, start + ITEMS_PER_BATCH) - 1]!;
      const { rows } = await client.query<[string, string, number]>({
        text: `SELECT "ITMCD", "BRNCD", ROUND("QTYOH")::int FROM "ERPADM"."STKBAL" WHERE "ITMCD" BETWEEN $1 AND $2 AND "BRNCD" = ANY($3)`,
        values: [first, last, codes],
        rowMode: 'array',
      });
      for (const [itemCode, branch, qty] of rows) {
        const item = state.itemBySku(itemCode);
        const location = byCode.get(branch);
        if (item && location) state.openLevel(item, location, qty, at);
      }
      levels += rows.length;
      if (levels >= nextReport) {
        logger.info({ levels, items: Math.min(skus.length, start + ITEMS_PER_BATCH) }, 'seed: levels loaded so far');
        nextReport += PROGRESS_EVERY;
      }
    }
    const ms = Date.now() - started;
    logger.info({ items: skus.length, levels, ms }, 'seed: done');
    return { items: skus.length, levels, ms };
  } finally {
    await client.end().catch(() => undefined);
  }
}
