/** The Kafka Connect REST calls the suite needs: a connector's config and state. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { DependencyError } from '../../core/errors';

/**
 * The workers' REST endpoints, tried in order: CONNECT_URLS (the availability test's two-worker
 * group, one of which may have just been killed) or the stack's one CONNECT_URL.
 */
const CONNECT_URLS = (process.env.CONNECT_URLS ?? loadConfig(stackConfigSchema).CONNECT_URL).split(',').filter(Boolean);

export const ERP_CONNECTOR = 'erp-stock-cdc';

/** The config the stack registers (connectors/erp-postgres.json), to restore after a run. */
export function registeredConfig(file: string): Record<string, string> {
  return (JSON.parse(readFileSync(resolve(__dirname, '../../connectors', file), 'utf8')) as { config: Record<string, string> }).config;
}

/** The first worker that answers; a worker that cannot be reached passes the call to the next. */
async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response | null = null;
  let unreachable: unknown = null;
  for (const url of CONNECT_URLS) {
    try {
      response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }), signal: AbortSignal.timeout(30_000) });
      break;
    } catch (error) {
      unreachable = error;
    }
  }
  if (response === null) throw new DependencyError(`Kafka Connect ${method} ${path}: no worker answers (${CONNECT_URLS.join(', ')})`, 'kafka-connect', { cause: unreachable });
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

export interface Placement {
  state: string;
  /** host:port of the worker it runs on. */
  worker: string;
}

/** Where the connector and each of its tasks run, and in what state. */
export async function placement(name: string): Promise<{ connector: Placement; tasks: Placement[] }> {
  const status = (await call('GET', `/connectors/${name}/status`)) as { connector: { state: string; worker_id: string }; tasks: Array<{ state: string; worker_id: string }> };
  return { connector: { state: status.connector.state, worker: status.connector.worker_id }, tasks: status.tasks.map((t) => ({ state: t.state, worker: t.worker_id })) };
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
