/**
 * The Shopify emulator's control API (/_emulator, not Shopify's) beyond what the tests' helper
 * wraps: the log of applied changes, the rate-limit plan, webhooks on/off, the NDJSON export.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ChangeEntry } from '../../../emulators/shopify';
import { PLANS, type PlanName } from '../../../emulators/shopify/config';

export type Change = ChangeEntry;

export type Plan = PlanName;
export { PLANS };

export function isPlan(value: string): value is Plan {
  return value in PLANS;
}

export class EmulatorControl {
  constructor(readonly url: string) {}

  /**
   * One control call. Calls that are safe to repeat (everything but creating an order) are sent
   * again when the connection fails on the way: undici reuses keep-alive sockets the server may
   * have just closed ("other side closed").
   */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const repeatable = !(method === 'POST' && path === '/orders');
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.url}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      } catch (error) {
        if (!repeatable || attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        continue;
      }
      if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    }
  }

  /** Adds items in chunks; `levels` by Shopify location id. Returns sku -> inventory item id. */
  async addItems(items: Array<{ sku: string; levels?: Record<string, number> }>, chunk = 5_000): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (let i = 0; i < items.length; i += chunk) {
      const answer = await this.call<Array<{ sku: string; inventoryItemId: string }>>('POST', '/items', { items: items.slice(i, i + chunk) });
      for (const item of answer) ids.set(item.sku, item.inventoryItemId);
    }
    return ids;
  }

  changes(since: number, limit = 10_000): Promise<{ changes: Change[]; next: number }> {
    return this.call('GET', `/changes?since=${since}&limit=${limit}`);
  }

  /** Seq of the newest change in the log (0 when none). */
  async lastSeq(): Promise<number> {
    let since = 0;
    for (let page = await this.changes(0); page.changes.length > 0; page = await this.changes(since)) since = page.next;
    return since;
  }

  /** Follows the change log after `since`, handing each change on, until stopped; a failed poll is retried. */
  followChanges(since: number, onChange: (change: Change) => void, everyMs = 100): { stop(): Promise<void> } {
    let running = true;
    const loop = (async () => {
      while (running) {
        try {
          const page = await this.changes(since);
          for (const change of page.changes) onChange(change);
          since = page.next;
          if (page.changes.length < 10_000) await new Promise((resolve) => setTimeout(resolve, everyMs));
        } catch (error) {
          process.stderr.write(`[bench] change log poll failed, retrying: ${String(error)}\n`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  setPlan(plan: Plan, refill = true): Promise<unknown> {
    return this.call('PUT', '/plan', { plan, refill });
  }

  setWebhooks(enabled: boolean): Promise<unknown> {
    return this.call('POST', '/webhooks', { enabled });
  }

  setOffline(offline: boolean): Promise<unknown> {
    return this.call('POST', '/offline', { offline });
  }

  order(lines: Array<{ sku: string; quantity: number }>, locationId?: string): Promise<{ id: number; name: string }> {
    return this.call('POST', '/orders', { lines, ...(locationId && { locationId }) });
  }

  stats(): Promise<{ requests: number; byOperation: Record<string, number>; mutations: number; quantitiesSet: number; throttled: number; offlineRejected: number; userErrors: Record<string, number>; idempotentReplays: number }> {
    return this.call('GET', '/stats');
  }

  resetStats(): Promise<unknown> {
    return this.call('POST', '/stats/reset', {});
  }

  /** Every level the emulator holds, as `sku@hubLocation` -> available (NDJSON export, streamed; read again if the stream breaks). */
  async exportLevels(): Promise<Map<string, number>> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${this.url}/_emulator/levels/export`);
        if (!response.ok || response.body === null) throw new Error(`emulator levels export: ${response.status}`);
        const levels = new Map<string, number>();
        const lines = createInterface({ input: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line === '') continue;
          const row = JSON.parse(line) as { sku: string; hubLocation: string; available: number };
          levels.set(`${row.sku}@${row.hubLocation}`, row.available);
        }
        return levels;
      } catch (error) {
        if (attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}
