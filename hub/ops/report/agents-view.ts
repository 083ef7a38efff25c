import { z } from 'zod';
import { levelKey } from '../../levels';
import { describeFetchError as describe } from './fetch-error';
import type { SystemReading, SystemView } from './system-view';

/**
 * What an agent's GET /stock/{sku} answers (connectors/store-agent/local-api.ts). `onHand` is
 * the store's copy of the hub's on-hand, moved at once by the tills' own sales until the hub
 * confirms them; `available` also nets the hub's reservations and safety stock, and
 * `networkAvailable` is every location's: on-hand is the number the store can be held to.
 */
const agentLevelSchema = z.object({ sku: z.string(), onHand: z.number() });

export interface AgentsOptions {
  /** Per request. Default 5 s. */
  timeoutMs?: number;
  /** Requests in flight per agent. Default 8. */
  concurrency?: number;
}

/**
 * The store agents' local copies, one HTTP call per SKU (the agent's API has no batch read). An
 * agent that does not answer is a failure for its store only, and is not asked again this run.
 */
export class AgentsView implements SystemView {
  readonly system = 'agents';
  readonly measure = 'onHand';
  readonly absentMeansZero = false;
  readonly batchSize = 100;
  private readonly down = new Map<string, string>();
  private readonly timeoutMs: number;
  private readonly concurrency: number;

  constructor(
    /** Hub store id -> the agent's base URL (config/store-agents.json); --fix calls POST /resync there. */
    readonly agents: Readonly<Record<string, string>>,
    options: AgentsOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.concurrency = options.concurrency ?? 8;
  }

  async locations(wanted: readonly string[] | null): Promise<string[]> {
    const stores = Object.keys(this.agents);
    return wanted === null ? stores : stores.filter((s) => wanted.includes(s));
  }

  async read(skus: readonly string[], locations: readonly string[], signal: AbortSignal): Promise<SystemReading> {
    const reading: SystemReading = { values: new Map(), failed: new Map() };
    await Promise.all(
      locations.map(async (store) => {
        const base = this.agents[store];
        if (base === undefined) return;
        await eachLimited(skus, this.concurrency, async (sku) => {
          if (this.down.has(store)) return;
          const onHand = await this.ask(store, base, sku, signal);
          if (onHand !== null) reading.values.set(levelKey(sku, store), onHand);
        });
        const reason = this.down.get(store);
        if (reason !== undefined) reading.failed.set(store, reason);
      }),
    );
    signal.throwIfAborted();
    return reading;
  }

  async close(): Promise<void> {}

  /** The agent's on-hand, null when it has no copy of the SKU (404) or is down. */
  private async ask(store: string, base: string, sku: string, signal: AbortSignal): Promise<number | null> {
    const url = `${base.replace(/\/$/, '')}/stock/${encodeURIComponent(sku)}`;
    try {
      const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`answered ${response.status}`);
      return agentLevelSchema.parse(await response.json()).onHand;
    } catch (error) {
      if (!signal.aborted) this.down.set(store, `store agent ${store} at ${base}: ${describe(error)}`);
      return null;
    }
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
