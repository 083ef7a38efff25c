import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { balancedPort, haproxyConfig, instancesConfigSchema, instancesOf, writeHaproxyConfig, type HaproxyLayout } from '../../scripts/haproxy';

const layout: HaproxyLayout = {
  host: '127.0.0.1',
  opsPort: 8088,
  ports: [balancedPort('sinks', 8090, 2), balancedPort('api', 8080, 2), balancedPort('shopify-channel', 8093, 2)],
};

/** The lines of one section (frontend api, backend api, ...) of a generated config. */
const section = (config: string, header: string): string[] => {
  const lines = config.split('\n');
  const start = lines.indexOf(header);
  const end = lines.findIndex((line, i) => i > start && line === '');
  return lines.slice(start + 1, end).map((line) => line.trim());
};

describe('instance layout', () => {
  it('keeps one instance on its public port under its own name', () => {
    expect(instancesOf('api', 8080, 1)).toEqual([{ name: 'api', port: 8080 }]);
  });

  it('puts instance i of two or more on the public port + 100 x i, named service-i', () => {
    expect(instancesOf('sinks', 8090, 3)).toEqual([
      { name: 'sinks-1', port: 8190 },
      { name: 'sinks-2', port: 8290 },
      { name: 'sinks-3', port: 8390 },
    ]);
  });

  it('defaults to one instance and refuses more than nine (a tenth would reach Kafka’s port)', () => {
    expect(instancesConfigSchema.parse({})).toEqual({ STOCKHUB_INSTANCES: 1, HAPROXY_HTTP_PORT: 8088 });
    expect(instancesConfigSchema.parse({ STOCKHUB_INSTANCES: '2' }).STOCKHUB_INSTANCES).toBe(2);
    expect(instancesConfigSchema.safeParse({ STOCKHUB_INSTANCES: '10' }).success).toBe(false);
  });
});

describe('HAProxy configuration', () => {
  const config = haproxyConfig(layout);

  it('balances each public port over its instances, checked every second, out after 2 failures, back after 2', () => {
    expect(section(config, 'frontend sinks')).toContain('bind 127.0.0.1:8090');
    expect(section(config, 'backend sinks')).toEqual(
      expect.arrayContaining(['option httpchk GET /health', 'http-check expect rstatus ^(200|503)$', 'server sinks-1 127.0.0.1:8190 check', 'server sinks-2 127.0.0.1:8290 check']),
    );
    expect(section(config, 'defaults')).toContain('default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions');
  });

  it('retries a request whose instance is gone on another one, and once it was sent only a GET or the read-only stock query', () => {
    expect(section(config, 'defaults')).toEqual(expect.arrayContaining(['option redispatch 1', 'retries 2', 'retry-on conn-failure empty-response']));
    expect(section(config, 'backend api')).toContain('http-request disable-l7-retry unless METH_GET || METH_POST { path /v1/stock/query }');
    expect(section(config, 'backend sinks')).toContain('http-request disable-l7-retry unless METH_GET');
  });

  it('gives the store feeds (API) hour-long idle limits and least-connections balancing; others keep 30 s', () => {
    expect(section(config, 'frontend api')).toContain('timeout client 1h');
    expect(section(config, 'backend api')).toEqual(expect.arrayContaining(['balance leastconn', 'timeout server 1h', 'timeout tunnel 1h']));
    expect(section(config, 'backend sinks')).toContain('balance roundrobin');
    expect(section(config, 'backend sinks').some((line) => line.startsWith('timeout'))).toBe(false);
    expect(section(config, 'defaults')).toEqual(expect.arrayContaining(['timeout client 30s', 'timeout server 30s']));
  });

  it('sends the Shopify channel’s port to the instance whose /leader answers 200', () => {
    expect(section(config, 'backend shopify-channel')).toEqual(expect.arrayContaining(['option httpchk GET /leader', 'http-check expect rstatus ^(200)$']));
  });

  it('answers /health, /metrics and /stats on its own port; /health fails while a public port has no instance up', () => {
    expect(section(config, 'frontend ops')).toEqual(
      expect.arrayContaining(['bind 127.0.0.1:8088', 'monitor-uri /health', 'http-request use-service prometheus-exporter if { path /metrics }', 'stats uri /stats']),
    );
    expect(section(config, 'frontend ops').filter((line) => line.startsWith('monitor fail'))).toEqual([
      'monitor fail if { nbsrv(sinks) lt 1 }',
      'monitor fail if { nbsrv(api) lt 1 }',
      'monitor fail if { nbsrv(shopify-channel) lt 1 }',
    ]);
  });

  it('is a configuration HAProxy accepts, written where it is asked to be, run in the foreground', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'haproxy-')), 'run', 'haproxy.cfg');
    const run = writeHaproxyConfig(path, layout);
    expect(readFileSync(path, 'utf8')).toBe(config);
    expect(run).toEqual({ program: 'haproxy', args: ['-db', '-f', path] });
    const check = spawnSync('haproxy', ['-c', '-f', path], { encoding: 'utf8' });
    expect(check.stderr + check.stdout).toContain('Configuration file is valid');
    expect(check.status).toBe(0);
  });
});
