import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { developmentFile } from '../../core/config';
import { AuthError, ConfigError } from '../../core/errors';
import { isStoreLocation } from '../../core/model';

export const API_TOKENS_FILE = resolve(__dirname, '../../config/api-tokens.json');

/**
 * Who may do what. store: read stock, reserve at its own store or at a shared location (the DC,
 * for a transfer), manage its own reservations, read those locations' ledgers. channel (the web shop): read, reserve anywhere, manage its own
 * reservations. ops: read everything, manage any reservation. No token writes levels: only the
 * hub's own workers do.
 */
export const callerSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('store'), subject: z.string().min(1), storeId: z.string().min(1) }),
  z.object({ role: z.literal('channel'), subject: z.string().min(1) }),
  z.object({ role: z.literal('ops'), subject: z.string().min(1) }),
]);
export type Caller = z.infer<typeof callerSchema>;

const tokensFileSchema = z.object({ tokens: z.record(z.string().min(16), callerSchema) });

export function loadApiTokens(path: string = developmentFile('API_TOKENS_FILE', API_TOKENS_FILE)): Map<string, Caller> {
  const parsed = tokensFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${path}: ${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
  }
  return new Map(Object.entries(parsed.data.tokens));
}

/** Bearer authentication: sets res.locals.caller, or answers 401. */
export function authenticate(tokens: ReadonlyMap<string, Caller>): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const caller = match ? tokens.get(match[1]!) : undefined;
    if (caller === undefined) {
      next(new AuthError('missing or unknown bearer token', 401));
      return;
    }
    res.locals.caller = caller;
    next();
  };
}

export const callerOf = (locals: Record<string, unknown>): Caller => locals.caller as Caller;

/** A store may not act at another store's location. */
export function assertLocationAllowed(caller: Caller, locationId: string, what: string): void {
  if (caller.role === 'store' && locationId !== caller.storeId && (isStoreLocation(locationId) || locationId === 'any')) {
    throw new AuthError(`${caller.subject} may not ${what} at ${locationId}`, 403);
  }
}
