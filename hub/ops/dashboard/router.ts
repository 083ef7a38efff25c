import { resolve } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import type { Pool } from 'pg';
import { AuthError, DependencyError, InvalidInputError, NotFoundError } from '../../../core/errors';
import { httpErrorHandler } from '../../../core/http';
import type { Logger } from '../../../core/logging';
import { authenticate, callerOf, type Caller } from '../../auth';
import type { FlowSummary } from './flow';
import { withTimeout } from './section';
import { readSku } from './sku';

export const PUBLIC_DIR = resolve(__dirname, 'public');

export interface RouterDeps {
  pool: Pool;
  tokens: ReadonlyMap<string, Caller>;
  flow: () => Promise<FlowSummary>;
  logger: Logger;
  trailRows: number;
  timeoutMs: number;
}

// SKUs are the ERP's item codes (8 digits here) or the shop's; anything printable up to 64
// characters, so a typo answers "nothing found" rather than 400.
const SKU = /^[\x21-\x7e]{1,64}$/;

const opsOnly: RequestHandler = (_req, res, next) => {
  const caller = callerOf(res.locals);
  next(caller.role === 'ops' ? undefined : new AuthError(`${caller.subject} may not read the ops dashboard (ops token required)`, 403));
};

// The page loads nothing from elsewhere (the ops room has no internet), so the policy can say so.
const PAGE_HEADERS: RequestHandler = (_req, res, next) => {
  res.set({
    'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  next();
};

/**
 * GET /dashboard (the page, open: it holds no data), GET /v1/ops/flow and GET /v1/ops/sku/:sku
 * (ops bearer token: the trail shows documents, users and stock of every store).
 */
export function createDashboardRouter(deps: RouterDeps): Router {
  const router = Router();
  router.use('/dashboard', PAGE_HEADERS, express.static(PUBLIC_DIR, { index: 'index.html', redirect: true }));
  // serve-static's own 404s are marked unexposed and would surface as 500s.
  router.use('/dashboard', (req, _res, next) => next(new NotFoundError(`no dashboard file ${req.path}`)));

  const ops = Router();
  ops.use(authenticate(deps.tokens), opsOnly, (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  ops.get('/flow', (_req, res, next) => {
    deps.flow().then((summary) => res.json(summary), next);
  });
  ops.get('/sku/:sku', (req, res, next) => {
    const sku = String(req.params.sku);
    if (!SKU.test(sku)) {
      next(new InvalidInputError('sku must be 1 to 64 printable characters', 'sku'));
      return;
    }
    withTimeout('PostgreSQL', deps.timeoutMs * 2, readSku(deps.pool, sku, deps.trailRows)).then(
      (view) => res.json(view),
      (error: unknown) => next(new DependencyError(`sku ${sku}: ${error instanceof Error ? error.message : String(error)}`, 'postgresql', { cause: error })),
    );
  });
  router.use('/v1/ops', ops);
  router.use(httpErrorHandler(deps.logger));
  return router;
}
