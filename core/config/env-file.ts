import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** config/stack.env: the defaults shared with scripts/stack (KEY=VALUE lines, # comments). */
export const STACK_ENV_FILE = resolve(__dirname, '../../config/stack.env');

export function readEnvFile(path: string = STACK_ENV_FILE): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) values[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return values;
}
