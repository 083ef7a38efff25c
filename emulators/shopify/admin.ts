import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { execute, getVariableValues, GraphQLError, Kind, type FieldNode } from 'graphql';
import { calculateCost, selectOperation } from './cost';
import type { ShopifyEmulator } from './emulator';
import { fieldResolver } from './resolvers';
import { toShopifyError, type ShopifyGraphqlError } from './schema';

const RATE_LIMIT_DOCS = 'https://shopify.dev/api/usage/rate-limits';
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

const maxCostMessage = (cost: number, max: number): string =>
  `Query cost is ${cost}, which exceeds the single query max cost limit (${max}).\n\n` +
  `See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\n` +
  `To query larger amounts of data with fewer limits, bulk operations should be used instead.\n` +
  `See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`;

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/**
 * POST /admin/api/{version}/graphql.json, in Shopify's order: the shop must be up (503), the
 * version known (404), the token right (401); then the document is validated against the real
 * schema, costed, charged to the bucket (THROTTLED without running anything when it cannot pay)
 * and executed. Every executed answer carries extensions.cost.
 */
export function createAdminRouter(emulator: ShopifyEmulator): Router {
  const { options, stats, bucket, schema, documents, logger } = emulator;
  const router = Router();

  router.use('/admin', (_req, res, next) => {
    if (!emulator.offline) return next();
    stats.request('offline');
    res.status(503).json({ errors: 'Service Unavailable' });
  });

  async function graphql(req: Request, res: Response): Promise<void> {
    res.setHeader('X-Request-Id', randomUUID());
    if (req.params.version !== options.apiVersion) {
      stats.request('not_found');
      res.status(404).json({ errors: 'Not Found' });
      return;
    }
    if (req.get('X-Shopify-Access-Token') !== options.accessToken) {
      stats.request('unauthorized');
      res.status(401).json({ errors: INVALID_TOKEN });
      return;
    }
    const body = (req.body ?? {}) as GraphqlBody;
    if (typeof body.query !== 'string' || body.query.trim() === '') {
      stats.request('bad_request');
      res.status(400).json({ errors: { query: 'Required parameter missing or invalid' } });
      return;
    }
    const refuse = (errors: ShopifyGraphqlError[], operation?: string): void => {
      stats.request('invalid', operation);
      res.json({ errors });
    };
    const prepared = documents.prepare(body.query);
    if (prepared.errors) return refuse(prepared.errors);
    const operationName = typeof body.operationName === 'string' ? body.operationName : null;
    const operation = selectOperation(prepared.document, operationName);
    if (!operation) {
      const message = operationName ? `No operation named "${operationName}"` : 'An operation name is required';
      return refuse([{ message, extensions: { code: 'OPERATION_NOT_FOUND' } }]);
    }
    const firstField = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD)?.name.value;
    const label = operation.name?.value ?? firstField ?? operation.operation;
    const inputs = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
    if (coerced.errors) return refuse(coerced.errors.map((e) => ({ ...toShopifyError(e, 'INVALID_VARIABLE'), extensions: { code: 'INVALID_VARIABLE' } })), label);

    let cost: number;
    try {
      cost = calculateCost(schema, prepared.document, operation, coerced.coerced);
    } catch (error) {
      if (error instanceof GraphQLError) return refuse([toShopifyError(error, 'argumentLiteralsIncompatible')], label);
      throw error;
    }
    const before = bucket.status();
    const singleMax = Math.min(options.maxSingleQueryCost, before.maximumAvailable);
    if (cost > singleMax) {
      stats.request('max_cost', label);
      res.json({
        errors: [{ message: maxCostMessage(cost, singleMax), extensions: { code: 'MAX_COST_EXCEEDED', cost, maxCost: singleMax, documentation: RATE_LIMIT_DOCS } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: before } },
      });
      return;
    }
    const charge = bucket.take(cost);
    if (!charge.ok) {
      stats.request('throttled', label);
      logger.debug({ operation: label, cost, available: charge.status.currentlyAvailable }, 'throttled');
      res.json({
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMIT_DOCS } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: charge.status } },
      });
      return;
    }

    stats.request('ok', label);
    const isMutation = operation.operation === 'mutation';
    // Mutations spend their latency inside the resolver, after claiming their idempotency key.
    if (!isMutation && options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const result = await execute({
      schema,
      document: prepared.document,
      rootValue: isMutation ? emulator.roots.mutation : emulator.roots.query,
      variableValues: inputs,
      operationName,
      fieldResolver,
    });
    const errors = result.errors?.map((error) => {
      // Errors the emulator means are GraphQLErrors; anything else is a bug here, worth a stack.
      if (error.originalError && !(error.originalError instanceof GraphQLError)) logger.error({ err: error.originalError, operation: label }, 'resolver failed');
      return toShopifyError(error, 'INTERNAL_SERVER_ERROR');
    });
    logger.debug({ operation: label, cost, available: charge.status.currentlyAvailable, errors: errors?.length ?? 0 }, 'admin call');
    res.json({
      ...(errors && { errors }),
      data: result.data ?? null,
      extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: charge.status } },
    });
  }

  router.post('/admin/api/:version/graphql.json', express.json({ limit: '20mb' }), (req, res, next) => {
    graphql(req, res).catch(next);
  });
  return router;
}
