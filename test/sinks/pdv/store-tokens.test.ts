import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthError, ConfigError } from '../../../core/errors';
import { loadStoreTokens, StoreTokens } from '../../../sinks/pdv';

const tokenFile = (content: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'stores-')), 'stores.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('loadStoreTokens', () => {
  it('loads the dev tokens of the 20 stores from config/stores.json', () => {
    const tokens = loadStoreTokens();
    for (let n = 1; n <= 20; n++) {
      const store = `S${String(n).padStart(3, '0')}`;
      expect(() => tokens.authorize(`Bearer dev-token-${store}`, store)).not.toThrow();
    }
  });

  it('reads the file STORE_TOKENS_FILE names', () => {
    const path = tokenFile({ stores: { S101: 'a-production-token' } });
    const saved = process.env.STORE_TOKENS_FILE;
    process.env.STORE_TOKENS_FILE = path;
    try {
      expect(() => loadStoreTokens().authorize('Bearer a-production-token', 'S101')).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.STORE_TOKENS_FILE;
      else process.env.STORE_TOKENS_FILE = saved;
    }
  });

  it('refuses one token shared by two stores, naming the second', () => {
    const path = tokenFile({ stores: { S001: 'same-token-for-both', S002: 'same-token-for-both' } });
    expect(() => loadStoreTokens(path)).toThrow(new ConfigError(`${path}: invalid store tokens at stores.S002: same token as S001`, 'stores.S002'));
  });

  it('refuses short tokens and unknown keys', () => {
    expect(() => loadStoreTokens(tokenFile({ stores: { S001: 'short' } }))).toThrow(ConfigError);
    expect(() => loadStoreTokens(tokenFile({ stores: { S001: 'long-enough-token' }, extra: 1 }))).toThrow(ConfigError);
  });
});

describe('StoreTokens.authorize', () => {
  const tokens = new StoreTokens({ S001: 'dev-token-S001', S002: 'dev-token-S002' });

  it.each([
    [undefined, 401],
    ['dev-token-S001', 401],
    ['Basic ZGV2OmRldg==', 401],
    ['Bearer not-a-token', 401],
    ['Bearer dev-token-S002', 403],
  ])('%s for S001 -> %i', (header, status) => {
    let thrown: unknown;
    try {
      tokens.authorize(header, 'S001');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuthError);
    expect((thrown as AuthError).status).toBe(status);
  });

  it('accepts the store own token, whatever the scheme case', () => {
    expect(() => tokens.authorize('bearer dev-token-S001', 'S001')).not.toThrow();
  });
});
