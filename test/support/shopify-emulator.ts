import { startService, type Service } from './services';

export interface EmulatorLevel {
  sku: string;
  inventoryItemId: string;
  locationId: string;
  hubLocation: string;
  available: number;
  updatedAt: string;
}

/** The repo's Shopify emulator as a real process, and its control API (not Shopify's). */
export class ShopifyEmulator {
  private constructor(readonly service: Service) {}

  static async start(name: string, port: number, webhookUrl: string, env: Record<string, string> = {}): Promise<ShopifyEmulator> {
    const service = await startService(`emulator-${name}`, 'emulators/shopify/main.ts', port, {
      SHOPIFY_EMULATOR_PORT: String(port),
      SHOPIFY_EMULATOR_SEED: 'none',
      SHOPIFY_EMULATOR_WEBHOOK_URL: webhookUrl,
      ...env,
    });
    return new ShopifyEmulator(service);
  }

  get url(): string {
    return this.service.url;
  }

  private async control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  addItems(items: Array<{ sku: string; levels?: Record<string, number> }>): Promise<Array<{ sku: string; inventoryItemId: string }>> {
    return this.control('POST', '/items', { items });
  }

  levels(skus: string[]): Promise<EmulatorLevel[]> {
    return this.control('GET', `/levels?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join('&')}`);
  }

  async level(sku: string, hubLocation: string): Promise<number | undefined> {
    return (await this.levels([sku])).find((l) => l.hubLocation === hubLocation)?.available;
  }

  /**
   * A staff edit of one level in the Shopify admin (locationId: the decimal Shopify id); with
   * `webhook: false` its inventory_levels/update webhook is lost, so the hub never hears of it.
   */
  setLevel(sku: string, locationId: string, available: number, options: { webhook?: boolean } = {}): Promise<EmulatorLevel> {
    return this.control('POST', '/levels', { sku, locationId, available, webhook: options.webhook ?? true });
  }

  order(lines: Array<{ sku: string; quantity: number }>, locationId?: string): Promise<{ id: number; name: string }> {
    return this.control('POST', '/orders', { lines, ...(locationId && { locationId }) });
  }

  /** From now on Shopify refuses every quantity of `sku` with user error `code`; null: accepted again. */
  refuse(sku: string, code: string | null): Promise<unknown> {
    return this.control('POST', '/refusals', { sku, ...(code !== null && { code }) });
  }

  setOffline(offline: boolean): Promise<unknown> {
    return this.control('POST', '/offline', { offline });
  }

  stats(): Promise<Record<string, unknown> & { requests: number; mutations: number; quantitiesSet: number; throttled: number; byOperation: Record<string, number> }> {
    return this.control('GET', '/stats');
  }

  resetStats(): Promise<unknown> {
    return this.control('POST', '/stats/reset', {});
  }

  stop(): Promise<void> {
    return this.service.stop();
  }
}
