import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoServices, groups, type ServiceSpec } from '../../scripts/run-services';

const REPLICATED = ['sinks', 'reconciler', 'erp-writeback', 'shopify-channel', 'api'];
const summary = (spec: ServiceSpec) => ({ name: spec.name, port: spec.port, env: spec.env });

describe('what npm start runs', () => {
  const config = () => join(mkdtempSync(join(tmpdir(), 'run-services-')), 'haproxy.cfg');

  it('with one instance (the default): each service once on its public port, no load balancer', () => {
    const services = demoServices({ STOCKHUB_INSTANCES: 1, HAPROXY_HTTP_PORT: 8088 }, config());
    expect(services.filter((s) => REPLICATED.includes(s.name)).map(summary)).toEqual([
      { name: 'sinks', port: 8090, env: { SINK_HTTP_PORT: '8090' } },
      { name: 'reconciler', port: 8091, env: { RECONCILER_HTTP_PORT: '8091' } },
      { name: 'erp-writeback', port: 8092, env: { WRITEBACK_HTTP_PORT: '8092' } },
      { name: 'shopify-channel', port: 8093, env: { SHOPIFY_CHANNEL_HTTP_PORT: '8093' } },
      { name: 'api', port: 8080, env: { API_HTTP_PORT: '8080' } },
    ]);
    expect(services.map((s) => s.name)).not.toContain('haproxy');
    expect(groups(services).map((group) => group.map((s) => s.name))).toEqual([
      ['shopify-emulator', 'erp-import-job', ...REPLICATED],
      ['agent-S001', 'agent-S002', 'agent-S003'],
      ['simulator'],
    ]);
  });

  it('with two: two of each on public port + 100 x i, HAProxy on the public ports, started once they answer', () => {
    const path = config();
    const services = demoServices({ STOCKHUB_INSTANCES: 2, HAPROXY_HTTP_PORT: 8088 }, path);
    expect(services.filter((s) => s.name.startsWith('api') || s.name.startsWith('sinks')).map(summary)).toEqual([
      { name: 'sinks-1', port: 8190, env: { SINK_HTTP_PORT: '8190' } },
      { name: 'sinks-2', port: 8290, env: { SINK_HTTP_PORT: '8290' } },
      { name: 'api-1', port: 8180, env: { API_HTTP_PORT: '8180' } },
      { name: 'api-2', port: 8280, env: { API_HTTP_PORT: '8280' } },
    ]);
    const haproxy = services.find((s) => s.name === 'haproxy')!;
    expect(haproxy).toMatchObject({ program: 'haproxy', args: ['-db', '-f', path], port: 8088 });
    const cfg = readFileSync(path, 'utf8');
    for (const bind of ['bind 127.0.0.1:8090', 'bind 127.0.0.1:8080', 'bind 127.0.0.1:8093']) expect(cfg).toContain(bind);
    expect(cfg).not.toContain(':8091');
    // The agents and the simulator keep the public addresses (their defaults): nothing points them at an instance.
    for (const client of services.filter((s) => s.name.startsWith('agent-') || s.name === 'simulator')) {
      expect(Object.keys(client.env ?? {}).filter((key) => /_(HUB|INGEST)_URL$/.test(key))).toEqual([]);
    }
    expect(groups(services).map((group) => group.map((s) => s.name))).toEqual([
      ['shopify-emulator', 'erp-import-job', ...REPLICATED.flatMap((name) => [`${name}-1`, `${name}-2`])],
      ['haproxy'],
      ['agent-S001', 'agent-S002', 'agent-S003'],
      ['simulator'],
    ]);
  });
});
