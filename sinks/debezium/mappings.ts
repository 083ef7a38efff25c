import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../core/errors';
import { sourceMappingSchema, type SourceMapping, type TableMapping } from './mapping-schema';

export const MAPPINGS_DIR = resolve(__dirname, '../../config/mappings');

export interface TopicRoute {
  source: SourceMapping;
  table: TableMapping;
}

/**
 * Loads and validates every config/mappings/*.json at start-up, indexed by raw topic. A bad
 * mapping fails fast naming the file and the key; two mappings for one topic are refused.
 * MAPPINGS_DIR points elsewhere (a fixed mapping tried out before it is committed).
 */
export function loadMappings(dir: string = process.env.MAPPINGS_DIR ?? MAPPINGS_DIR): Map<string, TopicRoute> {
  const routes = new Map<string, TopicRoute>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const path = join(dir, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(`${path}: not valid JSON (${String(error)})`, file);
    }
    const parsed = sourceMappingSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = `${file}:${issue.path.join('.')}`;
      throw new ConfigError(`invalid mapping ${key}: ${issue.message}`, key);
    }
    for (const table of parsed.data.tables) {
      if (routes.has(table.topic)) throw new ConfigError(`topic ${table.topic} is mapped twice (${file})`, `${file}:tables`);
      routes.set(table.topic, { source: parsed.data, table });
    }
  }
  return routes;
}
