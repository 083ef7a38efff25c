import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { developmentFile } from '../../core/config';
import { AuthError, ConfigError } from '../../core/errors';

/** Dev tokens for S001..S020, read only with STOCKHUB_ENV=development; production points STORE_TOKENS_FILE at a file kept out of the repo. */
export const STORE_TOKENS_FILE = resolve(__dirname, '../../config/stores.json');

/** config/stores.json: each store's bearer token. A store id is its hub location id. */
export const storeTokensFileSchema = z
  .object({
    stores: z
      .record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a store id is a hub location id (1-32 of A-Z a-z 0-9 _ -)'), z.string().min(12).max(256))
      .refine((stores) => Object.keys(stores).length > 0, 'at least one store'),
  })
  .strict()
  .superRefine(({ stores }, ctx) => {
    const owner = new Map<string, string>();
    for (const [storeId, token] of Object.entries(stores)) {
      const other = owner.get(token);
      if (other !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['stores', storeId], message: `same token as ${other}` });
      owner.set(token, storeId);
    }
  });
export type StoreTokensFile = z.infer<typeof storeTokensFileSchema>;

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Which store a bearer token belongs to. Tokens are looked up by their SHA-256, so the lookup's
 * timing says nothing about how much of a guessed token matched.
 */
export class StoreTokens {
  private readonly storeByDigest: ReadonlyMap<string, string>;

  constructor(stores: Readonly<Record<string, string>>) {
    this.storeByDigest = new Map(Object.entries(stores).map(([storeId, token]) => [digest(token), storeId]));
  }

  /** Throws AuthError: 401 for a missing or unknown token, 403 for another store's token. */
  authorize(authorization: string | undefined, storeId: string): void {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) throw new AuthError('missing bearer token', 401);
    const owner = this.storeByDigest.get(digest(token));
    if (owner === undefined) throw new AuthError('unknown token', 401);
    if (owner !== storeId) throw new AuthError(`token is not valid for store ${storeId}`, 403);
  }
}

/** Reads and validates the token file at start-up; a bad file fails fast naming the key. */
export function loadStoreTokens(path: string = developmentFile('STORE_TOKENS_FILE', STORE_TOKENS_FILE)): StoreTokens {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: cannot read store tokens (${String(error)})`, 'STORE_TOKENS_FILE');
  }
  const parsed = storeTokensFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    throw new ConfigError(`${path}: invalid store tokens at ${key}: ${issue.message}`, key);
  }
  return new StoreTokens(parsed.data.stores);
}
