import { z } from 'zod';
import { DependencyError } from '../../core/errors';
import type { HubSnapshot } from './local-db';

/** POST /v1/stock/query takes at most this many SKUs (docs/openapi.yaml). */
export const STOCK_QUERY_MAX = 500;

const answerSchema = z.object({
  results: z.array(
    z.object({
      sku: z.string(),
      locations: z.array(z.object({ locationId: z.string(), onHand: z.number(), reserved: z.number(), available: z.number(), version: z.number().int() })),
      total: z.object({ available: z.number() }),
    }),
  ),
});

/**
 * The hub's current numbers for some SKUs, through its stock API (POST /v1/stock/query) with the
 * store's own token, which may read stock: this store's level of each SKU and its network
 * availability, the same numbers the store feed carries.
 */
export class HubStock {
  constructor(
    /** The hub's API base, AGENT_HUB_URL. */
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly storeId: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async read(skus: readonly string[]): Promise<HubSnapshot[]> {
    const snapshots: HubSnapshot[] = [];
    for (let i = 0; i < skus.length; i += STOCK_QUERY_MAX) snapshots.push(...(await this.query(skus.slice(i, i + STOCK_QUERY_MAX))));
    return snapshots;
  }

  private async query(skus: readonly string[]): Promise<HubSnapshot[]> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/v1/stock/query`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ skus }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DependencyError(`the hub's stock API at ${url}: ${(error as Error).message}`, `the hub's stock API (${url})`, { cause: error });
    }
    if (!response.ok) {
      // 401/403: AGENT_API_TOKEN is not one the hub knows for this store; retrying will not help.
      const refused = response.status === 401 || response.status === 403;
      throw new DependencyError(`the hub's stock API at ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`, `the hub's stock API (${url})`, { retriable: !refused });
    }
    const { results } = answerSchema.parse(await response.json());
    const bySku = new Map(results.map((r) => [r.sku, r]));
    return skus.map((sku) => {
      const answer = bySku.get(sku);
      const level = answer?.locations.find((l) => l.locationId === this.storeId);
      return {
        sku,
        level: level === undefined ? null : { onHand: level.onHand, reserved: level.reserved, available: level.available, version: level.version },
        networkAvailable: answer === undefined || answer.locations.length === 0 ? null : answer.total.available,
      };
    });
  }
}
