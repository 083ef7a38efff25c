import { z } from 'zod';
import { ConfigError } from '../errors';
import { DEVELOPMENT_HINT, isDevelopment } from './environment';

/**
 * Settings that name a file whose repo copy holds development secrets (Shopify's app secret and
 * token, the API's and the stores' tokens). A schema that declares one (`developmentFileSetting`)
 * gets it reported missing with the others at start-up outside development.
 */
export const DEVELOPMENT_FILE_KEYS: readonly string[] = ['SHOPIFY_CONFIG_FILE', 'API_TOKENS_FILE', 'STORE_TOKENS_FILE'];

/** The zod type of such a setting: a path, required outside development (loadConfig checks it). */
export const developmentFileSetting = z.string().min(1).optional();

/**
 * The file a setting names, or in development the repo's own. Outside development the setting is
 * required: a deployment that forgot it must not run with secrets anyone can read in the repo.
 */
export function developmentFile(key: string, repoFile: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env[key];
  if (given !== undefined && given !== '') return given;
  if (isDevelopment(env)) return repoFile;
  throw new ConfigError(`invalid configuration: missing ${key} (${DEVELOPMENT_HINT}: ${repoFile})`, key);
}
