import type { RunningEmulator } from '../../../emulators/shopify';
import { control, gql, startEmulator } from './support';

describe('Admin GraphQL endpoint', () => {
  let running: RunningEmulator;
  beforeAll(async () => {
    running = await startEmulator();
  });
  afterAll(() => running.close());

  it('answers 401 with Shopify’s message for a wrong or missing token', async () => {
    const answer = await gql(running.url, '{ shop { id } }', undefined, { token: 'wrong' });
    expect(answer).toEqual({ status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } });
  });

  it('answers 404 for an API version it does not serve', async () => {
    expect((await gql(running.url, '{ shop { id } }', undefined, { version: '2024-01' })).status).toBe(404);
  });

  it('refuses a document the real schema rejects, with HTTP 200 and a Shopify error code', async () => {
    const answer = await gql(running.url, '{ shop { id bogusField } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toEqual([
      {
        message: "Field 'bogusField' doesn't exist on type 'Shop'",
        locations: [{ line: 1, column: 13 }],
        path: [],
        extensions: { code: 'undefinedField', typeName: 'Shop', fieldName: 'bogusField' },
      },
    ]);
    expect((await gql(running.url, '{ inventoryItems(frist: 1) { nodes { id } } }')).body.errors[0].extensions.code).toBe('argumentNotAccepted');
    expect((await gql(running.url, '{ shop { id }')).body.errors[0].extensions.code).toBe('parseError');
    expect((await gql(running.url, 'query($n: Int!) { locations(first: $n) { nodes { id } } }', { n: 'x' })).body.errors[0].extensions.code).toBe('INVALID_VARIABLE');
  });

  it('fails fields outside the emulated subset loudly, nullable ones quietly, and keeps serving', async () => {
    const root = await gql(running.url, '{ products(first: 1) { nodes { id } } }');
    expect(root.body.errors[0]).toMatchObject({ message: 'not emulated: QueryRoot.products', path: ['products'], extensions: { code: 'NOT_EMULATED' } });
    const nullable = await gql(running.url, '{ shop { id description } }');
    expect(nullable.body).toMatchObject({ data: { shop: { id: expect.any(String), description: null } } });
    expect(nullable.body.errors).toBeUndefined();
    expect((await gql(running.url, '{ shop { name } }')).body.data.shop.name).toBe('RetailMax');
  });

  it('answers 503 to every Admin call while offline, and serves again once back', async () => {
    await control(running.url, 'POST', '/offline', { offline: true });
    const down = await gql(running.url, '{ shop { id } }');
    expect(down).toEqual({ status: 503, body: { errors: 'Service Unavailable' } });
    expect((await fetch(`${running.url}/health`)).status).toBe(503);
    await control(running.url, 'POST', '/offline', { offline: false });
    expect((await gql(running.url, '{ shop { id } }')).status).toBe(200);
    expect((await control(running.url, 'GET', '/stats')).body.offlineRejected).toBe(1);
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    expect(text).toMatch(/shopify_emulator_requests_total\{outcome="unauthorized",service="shopify-emulator"\} 1/);
  });
});
