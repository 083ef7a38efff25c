import express from 'express';
import { InvalidInputError, NotFoundError } from '../../core/errors';
import { createOpsRouter, httpErrorHandler, type HealthCheck } from '../../core/http';
import type { Logger } from '../../core/logging';
import type { Metrics } from '../../core/metrics';
import { fieldPath, pdvPostSchema } from '../../core/model';
import type { LocalDb } from './local-db';

/**
 * What the tills call, on the store's LAN: stock from the local copy (answers while the WAN is
 * down), and sales and returns, queued in the outbox before the answer.
 */
export function createLocalApi(db: LocalDb, logger: Logger, metrics: Metrics, health: Record<string, HealthCheck>): express.Express {
  const app = express();
  app.use(createOpsRouter('store-agent', metrics, health));
  app.get('/stock/:sku', (req, res, next) => {
    const level = db.level(String(req.params.sku));
    if (level === null) next(new NotFoundError(`no local stock for ${req.params.sku}`));
    else res.json(level);
  });
  app.post('/sales', express.json({ limit: '1mb' }), (req, res, next) => {
    const parsed = pdvPostSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      next(new InvalidInputError(issue.message, fieldPath(issue.path)));
      return;
    }
    const queued = db.queue(parsed.data);
    res.status(202).json({ queued, backlog: db.backlog() });
  });
  app.use(httpErrorHandler(logger));
  return app;
}
