import express, { Router, type Request, type Response } from 'express';
import type { Pool } from 'pg';
import { NotFoundError } from '../../core/errors';
import { createOpsRouter, httpErrorHandler, type HealthCheck } from '../../core/http';
import type { Logger } from '../../core/logging';
import type { Metrics } from '../../core/metrics';
import { createFeedRouter } from '../feed';
import { assertLocationAllowed, authenticate, callerOf, type Caller } from '../auth';
import { readLedger } from './ledger-reader';
import type { Reservations } from './reservations';
import { ledgerQuerySchema, parse, reserveSchema, stockQuerySchema } from './schemas';
import type { StockReader } from './stock-reader';

export interface ApiDeps {
  pool: Pool;
  stock: StockReader;
  reservations: Reservations;
  tokens: ReadonlyMap<string, Caller>;
  maxTtlSeconds: number;
  logger: Logger;
  metrics: Metrics;
  health: Record<string, HealthCheck>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap = (handler: Handler) => (req: Request, res: Response, next: (error?: unknown) => void) => handler(req, res).catch(next);

/** The stock and reservation API (see docs/openapi.yaml). */
export function createApiApp(deps: ApiDeps): express.Express {
  const { stock, reservations, pool } = deps;
  const v1 = Router();
  v1.use(express.json({ limit: '256kb' }), authenticate(deps.tokens));

  v1.get(
    '/stock/:sku',
    wrap(async (req, res) => {
      const [answer] = await stock.read([String(req.params.sku)]);
      res.json(answer);
    }),
  );
  v1.post(
    '/stock/query',
    wrap(async (req, res) => {
      const { skus } = parse(stockQuerySchema, req.body);
      res.json({ results: await stock.read(skus) });
    }),
  );
  v1.get(
    '/stock/:sku/locations/:locationId/ledger',
    wrap(async (req, res) => {
      const caller = callerOf(res.locals);
      const locationId = String(req.params.locationId);
      assertLocationAllowed(caller, locationId, 'read the ledger');
      const { limit, before } = parse(ledgerQuerySchema, req.query);
      res.json({ sku: req.params.sku, locationId, entries: await readLedger(pool, String(req.params.sku), locationId, limit, before) });
    }),
  );
  v1.post(
    '/reservations',
    wrap(async (req, res) => {
      const body = parse(reserveSchema(deps.maxTtlSeconds), req.body);
      res.status(201).json(await reservations.reserve(callerOf(res.locals), body));
    }),
  );
  // Reservation ids are UUIDs; anything else names no reservation.
  v1.param('id', (_req, _res, next, id: string) => next(UUID.test(id) ? undefined : new NotFoundError(`reservation ${id} not found`)));
  v1.get(
    '/reservations/:id',
    wrap(async (req, res) => {
      res.json(await reservations.get(callerOf(res.locals), String(req.params.id)));
    }),
  );
  v1.post(
    '/reservations/:id/confirm',
    wrap(async (req, res) => {
      res.json(await reservations.confirm(callerOf(res.locals), String(req.params.id)));
    }),
  );
  v1.delete(
    '/reservations/:id',
    wrap(async (req, res) => {
      res.json(await reservations.cancel(callerOf(res.locals), String(req.params.id)));
    }),
  );

  v1.use(createFeedRouter(pool, deps.logger, deps.metrics));

  const app = express();
  app.disable('x-powered-by');
  app.use(createOpsRouter('api', deps.metrics, deps.health));
  app.use('/v1', v1);
  app.use(httpErrorHandler(deps.logger));
  return app;
}
