import type { Request } from 'express';

/**
 * The bytes as sent (for an HMAC, or an audit copy), from a route mounted with express.raw.
 * express.raw leaves no Buffer when the request had no Content-Type (an empty body). A body
 * parser mounted app-wide ahead of the router would have consumed the bytes: that is a wiring
 * bug, answered 500 with a log saying so, never a misleading 400 or 401.
 */
export function rawBody(req: Request, router: string): Buffer {
  if (Buffer.isBuffer(req.body)) return req.body;
  if ((req as { _body?: boolean })._body === true) throw new Error(`a body parser ran before the ${router} router; mount the router first`);
  return Buffer.alloc(0);
}
