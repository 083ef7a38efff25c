import { agentConfigSchema, tillLimitsOf } from '../../../connectors/store-agent/config';
import { createLocalApi } from '../../../connectors/store-agent/local-api';
import { LocalDb } from '../../../connectors/store-agent/local-db';
import type { HubStockReader } from '../../../connectors/store-agent/resync';
import { ConfigError } from '../../../core/errors';
import { loadConfig } from '../../../core/config';
import { createLogger } from '../../../core/logging';
import { createMetrics } from '../../../core/metrics';
import { listen } from '../../support/listen';
import { development } from '../../support/development';

const required = { AGENT_STORE_ID: 'S001', AGENT_API_TOKEN: 'dev-token-api-S001', AGENT_PDV_TOKEN: 'dev-token-S001' };
const sale = (overrides: Record<string, unknown> = {}) => ({ id: 'T01-1', type: 'SALE', sku: '10004711', quantity: 1, occurredAt: new Date().toISOString(), till: 'T01', ...overrides });

describe('the agent’s clock-skew and per-line settings', () => {
  it('default to 5 minutes and 10,000 units', () => {
    const config = loadConfig(agentConfigSchema, development(required));
    expect(config).toMatchObject({ AGENT_MAX_CLOCK_SKEW_S: 300, AGENT_MAX_LINE_QUANTITY: 10_000 });
    expect(tillLimitsOf(config)).toEqual({ maxClockSkewMs: 300_000, maxLineQuantity: 10_000 });
  });

  it('fail at start-up naming the key', () => {
    expect(() => loadConfig(agentConfigSchema, development({ ...required, AGENT_MAX_CLOCK_SKEW_S: '5m' }))).toThrow(expect.objectContaining({ key: 'AGENT_MAX_CLOCK_SKEW_S' }));
    expect(() => loadConfig(agentConfigSchema, development({ ...required, AGENT_MAX_LINE_QUANTITY: '0' }))).toThrow(ConfigError);
  });
});

describe('POST /sales on the agent’s local API', () => {
  let db: LocalDb;
  let agent: Awaited<ReturnType<typeof listen>>;
  beforeEach(async () => {
    db = new LocalDb(':memory:');
    const hub = {} as HubStockReader;
    agent = await listen(createLocalApi(db, hub, createLogger('test', 'silent'), createMetrics('store-agent'), {}, { maxClockSkewMs: 300_000, maxLineQuantity: 10_000 }));
  });
  afterEach(async () => {
    await agent.close();
    db.close();
  });
  const post = (body: unknown) => fetch(`${agent.url}/sales`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it.each([
    ['a NUL in the SKU', [sale({ sku: '1000\u00004711' })], '[0].sku'],
    ['a control character in the till id', [sale(), sale({ id: 'T01-\u001b2' })], '[1].id'],
    ['a sale dated 2099', [sale({ occurredAt: '2099-01-01T00:00:00Z' })], '[0].occurredAt'],
    ['more units than a line may carry', [sale({ quantity: 10_001 })], '[0].quantity'],
  ])('refuses %s with 400 naming the field, before it is queued', async (_case, body, field) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; field: string };
    expect(answer.field).toBe(field);
    expect(answer.error).toContain(field);
    expect(db.backlog()).toBe(0);
  });

  it('queues a sale within the limits', async () => {
    const response = await post([sale({ occurredAt: new Date(Date.now() + 60_000).toISOString() })]);
    expect(response.status).toBe(202);
    expect(db.backlog()).toBe(1);
  });

  it('answers a malformed escape in a stock path with 400, not 500', async () => {
    expect((await fetch(`${agent.url}/stock/%E0%A4%A`)).status).toBe(400);
  });
});
