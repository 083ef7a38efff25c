import { Router, type Request, type Response } from 'express';
import type { Pool } from 'pg';
import { Gauge } from 'prom-client';
import { InvalidInputError } from '../../core/errors';
import type { Logger } from '../../core/logging';
import type { Metrics } from '../../core/metrics';
import { assertLocationAllowed, callerOf } from '../auth';
import { changesSince, currentCursor } from './changes';

export interface FeedOptions {
  /** How often a connection looks for changes, in ms. Default 250. */
  pollMs?: number;
  /** Comment line sent when nothing changed, in ms, to keep proxies from closing. Default 15000. */
  keepAliveMs?: number;
}

/**
 * GET /v1/stores/{storeId}/feed: Server-Sent Events of the store's own levels (`level`) and of
 * network availability (`network`) for every SKU that changed anywhere. Each batch ends with a
 * `cursor` event whose id is the resume point: a client that reconnects with Last-Event-ID gets
 * exactly what it missed. Without one it gets the store's full state first (?from=now skips it).
 */
export function createFeedRouter(pool: Pool, logger: Logger, metrics: Metrics, options: FeedOptions = {}): Router {
  const pollMs = options.pollMs ?? 250;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const connections = new Gauge({ name: 'stockhub_feed_connections', help: 'Stores connected to their feed', labelNames: ['store'] as const, registers: [metrics.registry] });
  const router = Router();

  router.get('/stores/:storeId/feed', async (req: Request, res: Response, next) => {
    try {
      const storeId = String(req.params.storeId);
      const caller = callerOf(res.locals);
      assertLocationAllowed(caller, storeId, 'read the feed');
      let cursor = req.header('last-event-id') ?? (req.query.from === 'now' ? await currentCursor(pool) : '0');
      if (!/^\d+$/.test(cursor)) throw new InvalidInputError('Last-Event-ID must be a cursor sent by this feed', 'Last-Event-ID');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 2000\n\n');
      let open = true;
      // The response's close, not the request's: a GET's request 'close' fires once its (empty) body is read.
      res.on('close', () => (open = false));
      connections.inc({ store: storeId });
      const log = logger.child({ storeId, subject: caller.subject });
      log.info({ cursor }, 'store feed connected');
      let quietSince = Date.now();
      try {
        while (open) {
          const batch = await changesSince(pool, storeId, cursor);
          for (const level of batch.levels) res.write(`event: level\ndata: ${JSON.stringify(level)}\n\n`);
          for (const network of batch.network) res.write(`event: network\ndata: ${JSON.stringify(network)}\n\n`);
          if (batch.cursor !== cursor) {
            cursor = batch.cursor;
            res.write(`id: ${cursor}\nevent: cursor\ndata: {"cursor":"${cursor}"}\n\n`);
          }
          if (batch.levels.length + batch.network.length > 0) quietSince = Date.now();
          else if (Date.now() - quietSince > keepAliveMs) {
            res.write(': keep-alive\n\n');
            quietSince = Date.now();
          }
          await new Promise((r) => setTimeout(r, pollMs));
        }
      } finally {
        connections.dec({ store: storeId });
        log.info({ cursor }, 'store feed disconnected');
      }
    } catch (error) {
      if (res.headersSent) {
        logger.warn({ err: (error as Error).message }, 'store feed ended by an error');
        res.end();
      } else next(error);
    }
  });
  return router;
}
