import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Shopify } from '@shopify/shopify-api';
import type { Producer } from 'kafkajs';
import { AuthError, DependencyError, InvalidInputError, PayloadTooLargeError } from '../../core/errors';
import type { Logger } from '../../core/logging';
import { TOPICS } from '../../core/topics';
import { httpErrorHandler } from '../../core/http';
import { readBody } from '../http';
import type { WebhookDeduper } from './deduper';
import { stockTopicOf, toRawWebhookMessage } from '../../core/shopify';
import { claimedSignature, SignatureCheck } from './signature';

/** Largest webhook accepted, in bytes (5 MiB); an order with a few hundred lines stays well below it. */
const BODY_LIMIT = 5 * 1024 * 1024;

export interface ShopifyWebhookRouterDeps {
  /** The app's @shopify/shopify-api instance (createShopify): its secret checks the HMAC. */
  shopify: Shopify;
  /** The shop this hub serves (ShopifyConfig.shop); a webhook from any other is refused with 401. */
  shop: string;
  /** Writes to raw.shopify.webhooks (acks=-1). */
  producer: Producer;
  dedupe: WebhookDeduper;
  logger: Logger;
}

/**
 * POST /webhooks/shopify: refuses a delivery without a signature or for another shop before
 * reading a byte of it, verifies the HMAC over the raw bytes, drops topics that do not move
 * stock and deliveries already written, writes the webhook as received to raw.shopify.webhooks,
 * and answers 200 only once Kafka has acknowledged it. Mapping happens later, in the
 * normalizer, so the answer stays well inside Shopify's 5 s and a mapping bug loses nothing.
 */
export function createShopifyWebhookRouter(deps: ShopifyWebhookRouterDeps): Router {
  const { shopify, producer, dedupe, logger } = deps;

  const guard: RequestHandler = (req, res, next) => {
    try {
      res.locals.signature = claimedSignature(req, deps.shop);
      next();
    } catch (error) {
      next(error);
    }
  };

  /** The bytes, once their HMAC checks: an unsigned body is a 401 whatever its size, a signed oversized one a 413. */
  async function signedBody(req: Request, claimed: Buffer): Promise<Buffer> {
    const signature = new SignatureCheck(shopify.config.apiSecretKey, claimed);
    const read = await readBody(req, 'Shopify webhook', BODY_LIMIT, (chunk) => signature.update(chunk));
    if (!read.complete && read.truncated) throw new PayloadTooLargeError(`webhook body over ${2 * BODY_LIMIT} bytes; not read further`, BODY_LIMIT);
    if (!signature.matches()) throw new AuthError('webhook refused: invalid_hmac', 401);
    if (!read.complete) throw new PayloadTooLargeError(`webhook body of ${read.size} bytes is over the ${BODY_LIMIT}-byte limit`, BODY_LIMIT);
    return read.body;
  }

  async function receive(req: Request, res: Response): Promise<void> {
    const body = await signedBody(req, res.locals.signature as Buffer);
    const check = await shopify.webhooks.validate({ rawBody: body.toString('utf8'), rawRequest: req, rawResponse: res });
    if (!check.valid) {
      // The HMAC is checked before the headers: missing headers means a genuine but incomplete webhook.
      if ('missingHeaders' in check) throw new InvalidInputError(`webhook lacks headers: ${check.missingHeaders.join(', ')}`, check.missingHeaders.join(','));
      throw new AuthError(`webhook refused: ${check.reason}`, 401);
    }
    const { webhookId, domain: shop } = check;
    const log = logger.child({ webhookId, shop, topic: check.topic });
    const topic = stockTopicOf(check.topic);
    if (topic === null) {
      log.info('webhook topic does not move stock; ignored');
      res.status(200).json({ status: 'ignored' });
      return;
    }
    if (await dedupe.isDuplicate(webhookId)) {
      log.info('webhook already delivered; skipped');
      res.status(200).json({ status: 'duplicate' });
      return;
    }
    const headers = { topic, shop, webhookId, apiVersion: check.apiVersion, triggeredAt: check.triggeredAt ?? null, eventId: check.eventId ?? null };
    try {
      await producer.send({ topic: TOPICS.shopifyWebhooks, acks: -1, messages: [toRawWebhookMessage(headers, body, new Date().toISOString())] });
    } catch (error) {
      throw new DependencyError(`kafka did not acknowledge webhook ${webhookId}: ${error instanceof Error ? error.message : String(error)}`, 'kafka', { cause: error });
    }
    await dedupe.markDelivered(webhookId);
    log.info({ bytes: body.length }, 'webhook accepted');
    res.status(200).json({ status: 'accepted' });
  }

  const router = Router();
  router.post('/webhooks/shopify', guard, (req, res, next) => {
    receive(req, res).catch(next);
  });
  router.use(httpErrorHandler(logger));
  return router;
}
