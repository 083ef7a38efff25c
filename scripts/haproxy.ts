/**
 * Several instances of a service on one machine: where each listens (the one port layout, for
 * `npm start`, the fault suite and test harnesses alike), and the HAProxy configuration that puts
 * them behind the service's public port, so that clients (store agents, tills, Shopify's
 * webhooks, the simulator) keep one address while an instance dies and comes back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Instance i (from 1) of a service listens on the service's public port + INSTANCE_PORT_STEP x i. */
export const INSTANCE_PORT_STEP = 100;
/** At most 9: a 10th would put the ERP write-back (8092 + 1000) on Kafka's 9092. */
export const MAX_INSTANCES = 9;

export const instancesConfigSchema = z.object({
  /**
   * How many instances `npm start` runs of each service behind a consumer group or the load
   * balancer (sinks, API, reconciler, ERP write-back, Shopify channel). Default 1: one process
   * each on its public port, no load balancer. From 2 on, HAProxy takes the public ports of the
   * sinks, the API and the Shopify channel, and instance i listens on public port + 100 x i.
   */
  STOCKHUB_INSTANCES: z.coerce.number().int().min(1).max(MAX_INSTANCES).default(1),
  /** HAProxy's own /health (monitor-uri), /metrics (Prometheus) and /stats page. Default 8088. */
  HAPROXY_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8088),
});
export type InstancesConfig = z.infer<typeof instancesConfigSchema>;

export interface Instance {
  /** In logs and file names: the service's name alone when it runs once, else name-1, name-2, ... */
  name: string;
  port: number;
}

/** The instances of a service whose public port is `publicPort`, in the one layout. */
export function instancesOf(service: string, publicPort: number, count: number): Instance[] {
  if (count === 1) return [{ name: service, port: publicPort }];
  return Array.from({ length: count }, (_, i) => ({ name: `${service}-${i + 1}`, port: publicPort + INSTANCE_PORT_STEP * (i + 1) }));
}

export interface BalancedPort {
  /** Frontend and backend name, e.g. api. */
  name: string;
  /** Where clients connect. */
  publicPort: number;
  instances: readonly Instance[];
  /**
   * What HAProxy asks each instance every second, and the statuses that send it traffic. Services
   * any instance can serve: /health answered at all (200, or 503 while a dependency fails), since
   * their instances share those dependencies, and taking them all out would refuse even what
   * still works (stock queries from Redis while PostgreSQL is down); a dead or hung instance does
   * not answer. The Shopify channel: /leader, 200 only on the instance that pushes, so that its
   * port (the dashboard's metrics source) reaches that one.
   */
  check: { path: string; statuses: readonly number[] };
  /**
   * Carries long-lived responses (the store feeds' Server-Sent Events): idle limits of an hour
   * instead of 30 s. The feed sends a comment every 15 s, so only a dead peer stays silent that long.
   */
  streaming: boolean;
  /**
   * POST paths that only read (the API's stock query, whose SKU list is too long for a URL):
   * retried on another instance after an instance died holding them, as a GET is. Any other POST
   * is not retried once sent, since the instance may have acted on it.
   */
  readOnlyPosts: readonly string[];
}

/** In the pool while /health answers at all (200, or 503 while a shared dependency fails; see BalancedPort.check). */
const ANSWERING = { path: '/health', statuses: [200, 503] };

/**
 * The services behind a load balancer and how each is balanced, for `npm start` and the fault
 * suite alike. The Shopify channel's public port (the dashboard's metrics source) reaches the
 * instance that pushes, the one answering 200 on /leader; the API carries the store feeds.
 */
export const BALANCED = {
  sinks: { check: ANSWERING, streaming: false, readOnlyPosts: [] },
  api: { check: ANSWERING, streaming: true, readOnlyPosts: ['/v1/stock/query'] },
  'shopify-channel': { check: { path: '/leader', statuses: [200] }, streaming: false, readOnlyPosts: [] },
} as const satisfies Record<string, Pick<BalancedPort, 'check' | 'streaming' | 'readOnlyPosts'>>;
export type BalancedService = keyof typeof BALANCED;
export const isBalanced = (service: string): service is BalancedService => service in BALANCED;

/** The balanced port of `service` with `count` instances behind `publicPort`. */
export function balancedPort(service: BalancedService, publicPort: number, count: number): BalancedPort {
  return { name: service, publicPort, instances: instancesOf(service, publicPort, count), ...BALANCED[service] };
}

export interface HaproxyLayout {
  /** Address the frontends bind (the services' HTTP_HOST). */
  host: string;
  /** HAProxy's own /health, /metrics and /stats. */
  opsPort: number;
  ports: readonly BalancedPort[];
}

// Checked every second, down after 2 failures, back after 2 successes: a dead instance is out in
// about 2 s and a restarted one in 2 s once it answers. A session to an instance marked down is
// closed (on-marked-down), so a feed held by a hung instance reconnects to a live one instead of
// waiting for its idle limit.
const SERVER_DEFAULTS = 'inter 1s fall 2 rise 2 on-marked-down shutdown-sessions';
// Requests are logged by their frontend, to stdout, and only those that went wrong (dontlog-normal):
// failures, retries, redispatches, one JSON object a line. The backends log nothing: HAProxy
// already prints their servers' state changes ([WARNING] Server api/api-1 is DOWN) on stderr,
// which goes to the same file, and a log target there would print each twice.
const REQUEST_LOG = [
  '  log stdout format raw local0',
  `  log-format '{"time":"%tr","frontend":"%f","backend":"%b","server":"%s","method":"%HM","path":"%HPO","status":%ST,"totalMs":%Ta,"retries":"%rc","termination":"%tsc","client":"%ci"}'`,
];

function balanced(port: BalancedPort, host: string): string[] {
  const longIdle = port.streaming ? ['  timeout client 1h'] : [];
  return [
    `frontend ${port.name}`,
    `  bind ${host}:${port.publicPort}`,
    ...REQUEST_LOG,
    ...longIdle,
    `  default_backend ${port.name}`,
    '',
    `backend ${port.name}`,
    // Long feeds pile up on one instance under round robin; least connections spreads them.
    `  balance ${port.streaming ? 'leastconn' : 'roundrobin'}`,
    `  option httpchk GET ${port.check.path}`,
    `  http-check expect rstatus ^(${port.check.statuses.join('|')})$`,
    `  http-request disable-l7-retry unless METH_GET${port.readOnlyPosts.length > 0 ? ` || METH_POST { path ${port.readOnlyPosts.join(' ')} }` : ''}`,
    ...(port.streaming ? ['  timeout server 1h', '  timeout tunnel 1h'] : []),
    ...port.instances.map((instance) => `  server ${instance.name} 127.0.0.1:${instance.port} check`),
    '',
  ];
}

/**
 * haproxy.cfg for a layout. A request whose connection to an instance fails (refused: the
 * instance is dead, not yet marked down) is retried on another instance at once (redispatch on
 * every retry). A GET (or a POST that only reads) that got no answer at all is retried there too;
 * other requests are not retried once sent, since the instance may have acted on them.
 */
export function haproxyConfig(layout: HaproxyLayout): string {
  return [
    '# Generated by scripts/haproxy.ts (npm start with STOCKHUB_INSTANCES >= 2); edits are overwritten.',
    'global',
    '  maxconn 8192',
    '',
    'defaults',
    '  mode http',
    '  option dontlognull',
    '  option dontlog-normal',
    '  option forwardfor',
    '  option redispatch 1',
    '  retries 2',
    '  retry-on conn-failure empty-response',
    // The instances are on this machine: a connection that takes over a second is to a frozen one.
    '  timeout connect 1s',
    '  timeout http-request 10s',
    '  timeout queue 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    `  default-server ${SERVER_DEFAULTS}`,
    '',
    'frontend ops',
    `  bind ${layout.host}:${layout.opsPort}`,
    // Unhealthy while a public port has no instance to send traffic to. A server counts as up
    // until its first check fails, so HAProxy is started once its instances answer.
    '  monitor-uri /health',
    ...layout.ports.map((port) => `  monitor fail if { nbsrv(${port.name}) lt 1 }`),
    '  http-request use-service prometheus-exporter if { path /metrics }',
    '  stats enable',
    '  stats uri /stats',
    '  stats refresh 5s',
    '',
    ...layout.ports.flatMap((port) => balanced(port, layout.host)),
  ].join('\n');
}

/** Writes haproxy.cfg for the layout to `path` (the stack's run folder) and returns how to run it. */
export function writeHaproxyConfig(path: string, layout: HaproxyLayout): { program: string; args: string[] } {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, haproxyConfig(layout));
  // -db: in the foreground, so that the supervisor sees it exit and restarts it.
  return { program: 'haproxy', args: ['-db', '-f', path] };
}
