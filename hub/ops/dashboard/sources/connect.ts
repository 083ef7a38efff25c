import { z } from 'zod';

export interface ConnectorState {
  name: string;
  /** RUNNING, PAUSED, FAILED, UNASSIGNED, RESTARTING (Connect's words). */
  state: string;
  tasks: Array<{ id: number; state: string; trace?: string }>;
  /** Debezium's topic.prefix: its raw topics are <prefix>.<schema>.<table>. */
  topicPrefix: string | null;
  connectorClass: string | null;
}

const expandedSchema = z.record(
  z.object({
    status: z.object({
      connector: z.object({ state: z.string() }),
      tasks: z.array(z.object({ id: z.number(), state: z.string(), trace: z.string().optional() })),
    }),
    info: z.object({ config: z.record(z.string()) }).optional(),
  }),
);

/** Every connector's state and its tasks', in one call to Connect's REST API (expand=status,info). */
export async function readConnectors(connectUrl: string, signal?: AbortSignal): Promise<ConnectorState[]> {
  const response = await fetch(new URL('/connectors?expand=status&expand=info', connectUrl), { signal: signal ?? null });
  if (!response.ok) throw new Error(`Connect answered ${response.status}`);
  const parsed = expandedSchema.parse(await response.json());
  return Object.entries(parsed)
    .map(([name, { status, info }]) => ({
      name,
      state: status.connector.state,
      // A failed task's trace is a Java stack: its first line says why, the rest is noise here.
      tasks: status.tasks.map((t) => (t.trace === undefined ? { id: t.id, state: t.state } : { id: t.id, state: t.state, trace: t.trace.split('\n')[0]! })),
      topicPrefix: info?.config['topic.prefix'] ?? null,
      connectorClass: info?.config['connector.class'] ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
