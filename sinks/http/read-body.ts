import type { Request } from 'express';
import { DependencyError, StockHubError } from '../../core/errors';

/**
 * complete: the whole body, within `limit`. Otherwise `size` bytes were seen; `truncated` when
 * reading stopped at the hard limit (the rest was never read, so no signature over it can match).
 */
export type ReadBody = { complete: true; body: Buffer } | { complete: false; size: number; truncated: boolean };

/** Bytes read past `limit` so that a signed oversized body can still be told from an unsigned one. */
const HARD_LIMIT_FACTOR = 2;

/**
 * Reads a request's bytes itself, for a route that must authenticate over them (an HMAC) before
 * it may answer anything else. Up to `limit` bytes are kept; past it every byte still goes
 * through `observe` but is dropped, so the caller can tell a signed oversized body (413) from an
 * unsigned one (401) without holding either in memory. At twice the limit reading stops: a caller
 * cannot keep a connection busy by streaming forever. A body parser that ran first has consumed
 * the bytes: that is a wiring bug, thrown as such (a 500 with a log), never a misleading 401.
 */
export function readBody(req: Request, router: string, limit: number, observe: (chunk: Buffer) => void): Promise<ReadBody> {
  if ((req as { _body?: boolean })._body === true || req.readableEnded) {
    return Promise.reject(new StockHubError(`a body parser ran before the ${router} router; mount the router first`));
  }
  return new Promise((resolve, reject) => {
    let kept: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit * HARD_LIMIT_FACTOR) {
        settled = true;
        req.off('data', onData);
        req.pause();
        resolve({ complete: false, size, truncated: true });
        return;
      }
      observe(chunk);
      if (size <= limit) kept.push(chunk);
      else kept = [];
    };
    req.on('data', onData);
    req.on('end', () => {
      settled = true;
      resolve(size <= limit ? { complete: true, body: Buffer.concat(kept, size) } : { complete: false, size, truncated: false });
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete && !settled) reject(new DependencyError(`the ${router} caller went away after ${size} bytes`, 'client', { retriable: false }));
    });
  });
}
