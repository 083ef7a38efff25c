/** The Kafka Connect REST calls the suite needs: a connector's config and state. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { DependencyError } from '../../core/errors';

const CONNECT_URL = loadConfig(stackConfigSchema).CONNECT_URL;

export const ERP_CONNECTOR = 'erp-stock-cdc';

/** The config the stack registers (connectors/erp-postgres.json), to restore after a run. */
export function registeredConfig(file: string): Record<string, string> {
  return (JSON.parse(readFileSync(resolve(__dirname, '../../connectors', file), 'utf8')) as { config: Record<string, string> }).config;
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${CONNECT_URL}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new DependencyError(`Kafka Connect ${method} ${path}: ${response.status} ${text}`, 'kafka-connect');
  return text === '' ? null : (JSON.parse(text) as unknown);
}

export const putConfig = (name: string, config: Record<string, string>): Promise<unknown> => call('PUT', `/connectors/${name}/config`, config);

export interface ConnectorState {
  connector: string;
  task: string;
  trace?: string;
}

export async function connectorState(name: string): Promise<ConnectorState> {
  try {
    const status = (await call('GET', `/connectors/${name}/status`)) as { connector: { state: string }; tasks: Array<{ state: string; trace?: string }> };
    return { connector: status.connector.state, task: status.tasks[0]?.state ?? 'NONE', ...(status.tasks[0]?.trace && { trace: status.tasks[0].trace.split('\n').slice(0, 3).join(' ') }) };
  } catch (error) {
    return { connector: 'UNREACHABLE', task: 'UNREACHABLE', trace: error instanceof Error ? error.message : String(error) };
  }
}

/** Polls until the connector and its task are RUNNING; fails with the task's trace otherwise. */
export async function waitRunning(name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = await connectorState(name);
  while (Date.now() < deadline) {
    state = await connectorState(name);
    if (state.connector === 'RUNNING' && state.task === 'RUNNING') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new DependencyError(`connector ${name} is ${state.connector}/${state.task} after ${timeoutMs / 1000} s: ${state.trace ?? ''}`, 'kafka-connect');
}
