import { z } from 'zod';
import { ConfigError } from '../errors';
import { DEVELOPMENT_FILE_KEYS } from './development-file';
import { readEnvFile } from './env-file';
import { DEVELOPMENT_HINT, isDevelopment } from './environment';

/** The object schema beneath refinements and transforms, whose keys the settings are. */
function shapeOf(schema: z.ZodTypeAny): Record<string, z.ZodTypeAny> {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodTypeAny>;
  if (schema instanceof z.ZodEffects) return shapeOf(schema.innerType());
  return {};
}

/**
 * Validates configuration once, at start-up: the environment, laid over config/stack.env's
 * development defaults only when STOCKHUB_ENV=development. Every missing or invalid key is named
 * in one message, so that a deployment is fixed in one pass (a development file's key, such as
 * SHOPIFY_CONFIG_FILE, counts as missing outside development); the error's `key` is the first.
 */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const development = isDevelopment(env);
  const input: Record<string, string | undefined> = development ? { ...readEnvFile(), ...env } : { ...env };
  const given = (key: string): boolean => input[key] !== undefined && input[key] !== '';
  const filesMissing = development ? [] : Object.keys(shapeOf(schema)).filter((key) => DEVELOPMENT_FILE_KEYS.includes(key) && !given(key));
  const result = schema.safeParse(input);
  if (result.success && filesMissing.length === 0) return result.data;
  const issues = result.success ? [] : result.error.issues;
  const keyOf = (issue: z.ZodIssue): string => (issue.path.length > 0 ? issue.path.join('.') : '(root)');
  // An absent number fails as NaN, not as undefined: absent is what the input lacks.
  const absent = (issue: z.ZodIssue): boolean => issue.path.length > 0 && !given(String(issue.path[0]));
  const missing = [...new Set([...issues.filter(absent).map(keyOf), ...filesMissing])];
  const invalid = issues.filter((issue) => !absent(issue)).map((issue) => `${keyOf(issue)}: ${issue.message}`);
  const parts = [...(missing.length > 0 ? [`missing ${missing.join(', ')}${development ? '' : ` (${DEVELOPMENT_HINT})`}`] : []), ...invalid];
  throw new ConfigError(`invalid configuration: ${parts.join('; ')}`, missing[0] ?? keyOf(issues[0]!));
}
