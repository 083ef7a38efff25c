import type { z } from 'zod';
import { ConfigError } from '../errors';
import { readEnvFile } from './env-file';

/**
 * Validates configuration once, at start-up: config/stack.env supplies defaults, the
 * environment overrides them, and the first invalid key fails fast with its name.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse({ ...readEnvFile(), ...env });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path.join('.') ?? '(unknown)';
  throw new ConfigError(`invalid configuration: ${key}: ${issue?.message ?? 'invalid'}`, key);
}
