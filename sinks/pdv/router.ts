import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { DependencyError, InvalidInputError } from '../../core/errors';
import type { Logger } from '../../core/logging';
import { fieldPath, limitedPdvPostSchema, type PdvPost, type StockMovement, type TillEventLimits } from '../../core/model';
import { TOPICS } from '../../core/topics';
import { toMovement, type MovementPublisher } from '../runtime';
import { httpErrorHandler } from '../../core/http';
import { rawBody } from '../http';
import { tillEventToDraft } from './mapper';
import type { StoreTokens } from './store-tokens';

/** Largest body accepted: 1,000 events at their longest fields come to about 750 kB. */
const BODY_LIMIT = '1mb';
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export interface PdvRouterDeps {
  /** Writes the canonical events and, in the same request, the post as received to raw.pdv.movements, for audit (acks=-1). */
  publisher: MovementPublisher;
  tokens: StoreTokens;
  /** Clock-skew tolerance and per-line limit (SINK_MAX_CLOCK_SKEW_S, SINK_MAX_LINE_QUANTITY). */
  limits: TillEventLimits;
  logger: Logger;
}

function parsePost(schema: ReturnType<typeof limitedPdvPostSchema>, body: Buffer): PdvPost {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidInputError('body is not valid JSON', null);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = fieldPath(issue.path);
  throw new InvalidInputError(field === null ? issue.message : `${field}: ${issue.message}`, field);
}

/** Mapping cannot fail on a post that passed the schema; if it does, the 400 still names the event. */
function toMovements(storeId: string, post: PdvPost, ingestedAt: string): StockMovement[] {
  return post.map((event, index) => {
    try {
      return toMovement(tillEventToDraft(storeId, event), ingestedAt);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      throw new InvalidInputError(`[${index}]: ${error.message}`, error.field === null ? `[${index}]` : `[${index}].${error.field}`, { cause: error });
    }
  });
}

/**
 * POST /v1/stores/:storeId/movements: a store agent's batch of sales and returns. The whole
 * batch is validated before anything is written; it is acknowledged (202) only once Kafka has
 * acknowledged the audit copy and the canonical events (one produce request), so a till that gets
 * no 202 retries and a retry changes nothing (same event ids).
 */
export function createPdvRouter(deps: PdvRouterDeps): Router {
  const { publisher, tokens, logger } = deps;
  const schema = limitedPdvPostSchema(deps.limits);

  // Before the body is read: an unauthenticated caller does not get to upload a megabyte.
  const authorize: RequestHandler<{ storeId: string }> = (req, _res, next) => {
    try {
      tokens.authorize(req.get('authorization'), req.params.storeId);
      next();
    } catch (error) {
      next(error);
    }
  };

  async function accept(req: Request<{ storeId: string }>, res: Response): Promise<void> {
    const { storeId } = req.params;
    const header = req.get('x-request-id');
    const requestId = header !== undefined && REQUEST_ID.test(header) ? header : randomUUID();
    res.set('x-request-id', requestId);
    const log = logger.child({ storeId, requestId });

    const body = rawBody(req, 'PDV');
    const post = parsePost(schema, body);
    const receivedAt = new Date().toISOString();
    const events = toMovements(storeId, post, receivedAt);
    const audit = { key: storeId, value: body, headers: { 'request.id': requestId, 'store.id': storeId, 'received.at': receivedAt } };
    try {
      await publisher.publish(events, [], [{ topic: TOPICS.pdvMovements, messages: [audit] }]);
    } catch (error) {
      throw new DependencyError(`kafka did not acknowledge the batch: ${error instanceof Error ? error.message : String(error)}`, 'kafka', { cause: error });
    }
    for (const event of events) log.debug({ eventId: event.eventId, sku: event.sku, type: event.type, quantity: event.quantity }, 'accepted');
    log.info({ accepted: events.length }, 'pdv batch accepted');
    res.status(202).json({ accepted: events.length, eventIds: events.map((event) => event.eventId) });
  }

  const router = Router();
  router.post('/v1/stores/:storeId/movements', authorize, express.raw({ type: '*/*', limit: BODY_LIMIT }), (req, res, next) => {
    accept(req, res).catch(next);
  });
  router.use(httpErrorHandler(logger));
  return router;
}
