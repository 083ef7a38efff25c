import type { Request } from 'express';

export type ReadBody = { complete: true; body: Buffer } | { complete: false; size: number };

/**
 * Reads a request's bytes itself, for a route that must authenticate over them (an HMAC) before
 * it may answer anything else. Up to `limit` bytes are kept; past it every byte still goes
 * through `observe` but is dropped, so the caller can tell a signed oversized body (413) from an
 * unsigned one (401) without holding either in memory. Node's request timeout bounds how long a
 * caller can keep sending. A body parser that ran first has consumed the bytes: that is a
 * wiring bug, thrown as such (a 500 with a log), never a misleading 401.
 */
export function readBody(req: Request, router: string, limit: number, observe: (chunk: Buffer) => void): Promise<ReadBody> {
  if ((req as { _body?: boolean })._body === true || req.readableEnded) {
    return Promise.reject(new Error(`a body parser ran before the ${router} router; mount the router first`));
  }
  return new Promise((resolve, reject) => {
    let kept: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      observe(chunk);
      if (size <= limit) kept.push(chunk);
      else kept = [];
    });
    req.on('end', () => resolve(size <= limit ? { complete: true, body: Buffer.concat(kept, size) } : { complete: false, size }));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error(`the ${router} caller went away after ${size} bytes`));
    });
  });
}
