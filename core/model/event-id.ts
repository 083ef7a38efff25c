import { createHash } from 'node:crypto';

/**
 * Deterministic event ids: a hash of the parts that identify one change at its source, so that
 * the same change re-delivered (a connector restart, a retried HTTP post) gets the same id and
 * the ledger applies it once. The prefix keeps ids readable in logs.
 */
export function deterministicEventId(prefix: string, ...parts: Array<string | number>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(String(part)).update('\u0000');
  return `${prefix}-${hash.digest('base64url').slice(0, 32)}`;
}
