import { createHmac, timingSafeEqual, type Hmac } from 'node:crypto';
import type { Request } from 'express';
import { AuthError } from '../../core/errors';

/** Webhooks sign with X-Shopify-*; events-type deliveries with Shopify-* (as @shopify/shopify-api reads them). */
const HEADER_SETS = [
  { hmac: 'x-shopify-hmac-sha256', shop: 'x-shopify-shop-domain' },
  { hmac: 'shopify-hmac-sha256', shop: 'shopify-shop-domain' },
] as const;

/** Base64 of an HMAC-SHA256: 32 bytes, 44 characters. */
const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/**
 * What can be checked of a webhook before its body is read: that it carries a signature at all,
 * and that it is for this hub's shop. A public app's secret signs the webhooks of every shop
 * that installed it, so a valid HMAC alone does not make a delivery ours: another shop's sale
 * would sell our stock. Throws AuthError 401; returns the claimed signature for verifySignature.
 */
export function claimedSignature(req: Request, shop: string): Buffer {
  const set = HEADER_SETS.find((headers) => req.get(headers.hmac) !== undefined);
  const signature = set === undefined ? undefined : req.get(set.hmac);
  if (set === undefined || signature === undefined || !SIGNATURE.test(signature)) throw new AuthError('webhook lacks a valid X-Shopify-Hmac-Sha256 signature', 401);
  const domain = req.get(set.shop);
  if (domain === undefined || domain === '') throw new AuthError(`webhook names no shop (${set.shop})`, 401);
  // Exact: the domain becomes the events' source.instance, and Shopify sends it lowercase.
  if (domain !== shop) throw new AuthError(`webhook for shop ${domain}; this hub serves ${shop}`, 401);
  return Buffer.from(signature, 'base64');
}

/** A running HMAC over the body as it arrives, compared in constant time once it has all come. */
export class SignatureCheck {
  private readonly hmac: Hmac;

  constructor(
    secret: string,
    private readonly claimed: Buffer,
  ) {
    this.hmac = createHmac('sha256', secret);
  }

  update(chunk: Buffer): void {
    this.hmac.update(chunk);
  }

  /** Call once, after the last chunk. */
  matches(): boolean {
    const actual = this.hmac.digest();
    return actual.length === this.claimed.length && timingSafeEqual(actual, this.claimed);
  }
}
