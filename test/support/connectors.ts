import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CONNECTORS_DIR = resolve(__dirname, '../../connectors');

export interface ConnectorFile {
  name: string;
  config: Record<string, string>;
}

export const readConnector = (path: string): ConnectorFile =>
  JSON.parse(readFileSync(join(CONNECTORS_DIR, path), 'utf8')) as ConnectorFile;

/** The connectors scripts/stack registers: connectors/*.json. */
export const registeredConnectors = (): ConnectorFile[] =>
  readdirSync(CONNECTORS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map(readConnector);

/** table.include.list entries without regex escapes: "wms\\.inv_inventory" -> "wms.inv_inventory". */
export const capturedTables = (c: ConnectorFile): string[] =>
  (c.config['table.include.list'] ?? '').split(',').map((t) => t.trim().replace(/\\/g, ''));
