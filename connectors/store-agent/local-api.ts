import express from 'express';
import { DependencyError, InvalidInputError, NotFoundError } from '../../core/errors';
import { createOpsRouter, httpErrorHandler, type HealthCheck } from '../../core/http';
import type { Logger } from '../../core/logging';
import type { Metrics } from '../../core/metrics';
import { fieldPath, limitedPdvPostSchema, type TillEventLimits } from '../../core/model';
import type { LocalDb } from './local-db';
import { resyncBodySchema, resyncFromHub, type HubStockReader } from './resync';

/**
 * What the tills call, on the store's LAN: stock from the local copy (answers while the WAN is
 * down), and sales and returns, queued in the outbox before the answer. POST /resync is for the
 * store's operators and the reconciliation report: it repairs the copy from the hub. Sales are
 * held to the same limits as the hub's ingest (`limits`, AGENT_MAX_*): a sale the hub would
 * refuse is refused to the till now, not parked in the outbox as rejected hours later.
 */
export function createLocalApi(
  db: LocalDb,
  hub: HubStockReader,
  logger: Logger,
  metrics: Metrics,
  health: Record<string, HealthCheck>,
  limits: TillEventLimits,
): express.Express {
  const salesSchema = limitedPdvPostSchema(limits);
  const app = express();
  app.use(createOpsRouter('store-agent', metrics, health));
  app.get('/stock/:sku', (req, res, next) => {
    const level = db.level(String(req.params.sku));
    if (level === null) next(new NotFoundError(`no local stock for ${req.params.sku}`));
    else res.json(level);
  });
  app.post('/sales', express.json({ limit: '1mb' }), (req, res, next) => {
    const parsed = salesSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = fieldPath(issue.path);
      next(new InvalidInputError(field === null ? issue.message : `${field}: ${issue.message}`, field));
      return;
    }
    const queued = db.queue(parsed.data);
    res.status(202).json({ queued, backlog: db.backlog() });
  });
  app.post('/resync', express.json({ limit: '1mb' }), (req, res, next) => {
    const parsed = resyncBodySchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      next(new InvalidInputError(issue.message, fieldPath(issue.path)));
      return;
    }
    resyncFromHub(db, hub, parsed.data).then(
      (answer) => {
        const changed = answer.results.filter((r) => r.was !== r.onHand);
        logger.info({ skus: answer.results.length, changed: changed.map((r) => ({ sku: r.sku, was: r.was, now: r.onHand })).slice(0, 50), backlog: answer.backlog }, 'local copy re-read from the hub');
        res.json(answer);
      },
      (error: unknown) => {
        // The caller is on the LAN and needs the reason (which the generic 503 body hides): the hub is behind the agent.
        if (error instanceof DependencyError) {
          logger.warn({ err: error.message }, 'resync: the hub could not be read; the local copy is unchanged');
          res.status(502).json({ error: error.message });
        } else next(error);
      },
    );
  });
  app.use(httpErrorHandler(logger));
  return app;
}
