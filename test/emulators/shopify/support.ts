import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../core/logging';
import { loadEmulatorOptions, startShopifyEmulator, type EmulatorOptionsInput, type RunningEmulator } from '../../../emulators/shopify';
import { development } from '../../support/development';

export const TOKEN = 'dev-shopify-admin-token';
export const VERSION = '2026-07';
export const SECRET = 'dev-shopify-webhook-secret';
/** config/shopify.json: DC01 (the web location) and S001. */
export const DC01 = '74128450876';
export const S001 = '74128500001';
export const S002 = '74128500002';
export const locationGid = (id: string): string => `gid://shopify/Location/${id}`;

/**
 * An emulator on an ephemeral port with an empty catalogue, config/shopify.json's shop and
 * locations, and webhooks off unless a test points them at a receiver.
 */
export function startEmulator(overrides: Partial<EmulatorOptionsInput> = {}): Promise<RunningEmulator> {
  const options = loadEmulatorOptions(development(), { seedFrom: 'none', port: 0, webhooksEnabled: false, ...overrides });
  return startShopifyEmulator(options, createLogger('shopify-emulator-test', 'silent'));
}

export interface GqlAnswer {
  status: number;
  body: any;
}

/** One Admin GraphQL call over HTTP, as Shopify's clients make it. */
export async function gql(url: string, query: string, variables?: Record<string, unknown>, options: { token?: string; version?: string } = {}): Promise<GqlAnswer> {
  const response = await fetch(`${url}/admin/api/${options.version ?? VERSION}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': options.token ?? TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

/** A JSON call on the control API. */
export async function control(url: string, method: string, path: string, body?: unknown): Promise<GqlAnswer> {
  const response = await fetch(`${url}/_emulator${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Adds items stocked everywhere; returns their InventoryItem gids by SKU. */
export async function addItems(url: string, items: Array<{ sku: string; levels?: Record<string, number> }>): Promise<Record<string, string>> {
  const { body } = await control(url, 'POST', '/items', { items });
  return Object.fromEntries((body as Array<{ sku: string; gid: string }>).map((i) => [i.sku, i.gid]));
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A tiny webhook receiver: records every POST and answers `status` (changeable). */
export async function startReceiver(): Promise<{ url: string; received: Received[]; status: number; waitFor(n: number, ms?: number): Promise<Received[]>; close(): Promise<void> }> {
  const received: Received[] = [];
  const receiver = {
    url: '',
    received,
    status: 200,
    async waitFor(n: number, ms = 5000): Promise<Received[]> {
      const deadline = Date.now() + ms;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} webhooks, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = receiver.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopify`;
  return receiver;
}
