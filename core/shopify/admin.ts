import { GraphqlQueryError, HttpResponseError, Session, type Shopify } from '@shopify/shopify-api';
import { DependencyError, StockHubError } from '../errors';
import type { ShopifyConfig } from './config';

/** Shopify's calculated-cost bucket after a call (extensions.cost.throttleStatus). */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface AdminResult<T> {
  data: T;
  /** Absent only if the server sends no cost extension. */
  cost: QueryCost | null;
}

/**
 * Shopify answered THROTTLED (HTTP 200): the bucket holds fewer points than the query costs.
 * Retriable once the bucket has refilled; `waitMs` says how long that takes.
 */
export class ShopifyThrottledError extends StockHubError {
  constructor(
    readonly cost: QueryCost | null,
    readonly waitMs: number,
  ) {
    super(`Shopify throttled the call (needs ${cost?.requestedQueryCost ?? '?'} points, ${cost?.throttleStatus.currentlyAvailable ?? '?'} available)`, { retriable: true });
  }
}

/** Shopify refused the document itself (unknown field, bad argument): a bug here, never retried. */
export class ShopifyQueryError extends StockHubError {
  constructor(
    message: string,
    readonly errors: unknown,
  ) {
    super(message, { retriable: false });
  }
}

export type AdminRequest = <T>(document: string, variables?: Record<string, unknown>) => Promise<AdminResult<T>>;

// Required, not imported, for the reason given in ./app.ts (the package's .ts sources).
const runtime = require('@shopify/shopify-api/runtime') as { setAbstractFetchFunc(fetchFunc: typeof fetch): void };

let routedAdminUrl: string | null = null;

/**
 * The library's fetch hook: @shopify/shopify-api sends every call through its abstract fetch,
 * which is replaced here so that https://{shop}/admin/... goes to `adminUrl` (the emulator)
 * instead. The hook is process-wide, like the library's own adapter.
 */
function routeAdminCalls(shop: string, adminUrl: string): void {
  if (routedAdminUrl === adminUrl) return;
  if (routedAdminUrl !== null) throw new StockHubError(`Shopify Admin calls already routed to ${routedAdminUrl}; one target per process`);
  routedAdminUrl = adminUrl;
  const origin = `https://${shop}`;
  const target = adminUrl.replace(/\/$/, '');
  runtime.setAbstractFetchFunc((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.startsWith(origin) ? target + url.slice(origin.length) : url, init);
  });
}

const throttleWaitMs = (cost: QueryCost | null): number => {
  if (!cost) return 1000;
  const missing = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
  return Math.max(50, Math.ceil((missing / Math.max(1, cost.throttleStatus.restoreRate)) * 1000));
};

function costOf(extensions: unknown): QueryCost | null {
  const cost = (extensions as { cost?: QueryCost } | undefined)?.cost;
  return cost && typeof cost.throttleStatus?.currentlyAvailable === 'number' ? cost : null;
}

/**
 * An Admin GraphQL caller on the real @shopify/shopify-api client (offline session, the app's
 * token). Failures come back in the project's hierarchy: THROTTLED -> ShopifyThrottledError,
 * no answer / 5xx / 429 -> DependencyError (retriable), 4xx -> DependencyError (not retriable),
 * any other GraphQL error -> ShopifyQueryError.
 */
export function createAdminRequest(shopify: Shopify, config: ShopifyConfig): AdminRequest {
  if (config.adminUrl) routeAdminCalls(config.shop, config.adminUrl);
  const session = new Session({ id: `offline_${config.shop}`, shop: config.shop, state: '', isOnline: false, accessToken: config.accessToken });
  const client = new shopify.clients.Graphql({ session });
  return async <T>(document: string, variables?: Record<string, unknown>): Promise<AdminResult<T>> => {
    try {
      const response = await client.request<T>(document, variables ? { variables } : {});
      return { data: response.data as T, cost: costOf(response.extensions) };
    } catch (error) {
      throw translate(error);
    }
  };
}

function translate(error: unknown): Error {
  if (error instanceof GraphqlQueryError) {
    const body = error.body as { errors?: { graphQLErrors?: Array<{ message: string; extensions?: { code?: string } }> }; extensions?: unknown } | undefined;
    const graphQLErrors = body?.errors?.graphQLErrors ?? [];
    if (graphQLErrors.some((e) => e.extensions?.code === 'THROTTLED')) {
      const cost = costOf(body?.extensions);
      return new ShopifyThrottledError(cost, throttleWaitMs(cost));
    }
    return new ShopifyQueryError(`Shopify refused the query: ${graphQLErrors.map((e) => e.message).join('; ') || error.message}`, graphQLErrors);
  }
  if (error instanceof HttpResponseError) {
    const status = error.response.code;
    const retriable = status === 429 || status >= 500;
    return new DependencyError(`Shopify answered ${status} ${error.response.statusText}`, 'shopify', { retriable, cause: error });
  }
  return new DependencyError(`Shopify unreachable: ${error instanceof Error ? error.message : String(error)}`, 'shopify', { cause: error });
}
