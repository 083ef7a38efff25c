import express, { Router, type Request, type RequestHandler, type RequestParamHandler, type Response } from 'express';
import type { Pool } from 'pg';
import { InvalidInputError, NotFoundError } from '../../core/errors';
import { createOpsRouter, httpErrorHandler, type HealthCheck } from '../../core/http';
import type { Logger } from '../../core/logging';
import type { Metrics } from '../../core/metrics';
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacter } from '../../core/model';
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
  /** Most units one reservation may hold. */
  maxQuantity: number;
  logger: Logger;
  metrics: Metrics;
  health: Record<string, HealthCheck>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Path segments reach SQL as text, and PostgreSQL cannot even be sent a NUL: every segment of a
 * /v1 path must decode and be free of control characters, for the routes of routers mounted
 * here too (the store feed).
 */
const pathGuard: RequestHandler = (req, _res, next) => {
  let segments: string[];
  try {
    segments = req.path.split('/').map(decodeURIComponent);
  } catch {
    next(new InvalidInputError('malformed percent-encoding in the path', 'path'));
    return;
  }
  next(segments.some(hasControlCharacter) ? new InvalidInputError(`path ${CONTROL_CHARACTER_MESSAGE}`, 'path') : undefined);
};

/** The same rule per named parameter, so that the 400 names it. */
const paramGuard = (name: string): RequestParamHandler => (_req, _res, next, value: string) =>
  next(hasControlCharacter(value) ? new InvalidInputError(`${name} ${CONTROL_CHARACTER_MESSAGE}`, name) : undefined);

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap = (handler: Handler) => (req: Request, res: Response, next: (error?: unknown) => void) => handler(req, res).catch(next);

/** The stock and reservation API (see docs/openapi.yaml). */
export function createApiApp(deps: ApiDeps): express.Express {
  const { stock, reservations, pool } = deps;
  const v1 = Router();
  // Authentication first: an unknown caller gets 401 whatever its body, and no parsing work.
  v1.use(authenticate(deps.tokens), express.json({ limit: '256kb' }));
  v1.param('sku', paramGuard('sku'));
  v1.param('locationId', paramGuard('locationId'));

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
      const body = parse(reserveSchema(deps.maxTtlSeconds, deps.maxQuantity), req.body);
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

  // After the routes above, whose parameter guards name the field; before the routers mounted here.
  v1.use(pathGuard);
  v1.use(createFeedRouter(pool, deps.logger, deps.metrics));

  const app = express();
  app.disable('x-powered-by');
  app.use(createOpsRouter('api', deps.metrics, deps.health));
  app.use('/v1', v1);
  app.use(httpErrorHandler(deps.logger));
  return app;
}
