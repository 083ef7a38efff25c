import express from 'express';
import { AuthError, ConfigError, DependencyError, InvalidInputError } from '../../../core/errors';
import { createLogger } from '../../../core/logging';
import { errorToHttp, httpErrorHandler } from '../../../core/http';
import { listen } from '../../support/listen';

describe('errorToHttp', () => {
  it('answers invalid input with 400 naming the field', () => {
    expect(errorToHttp(new InvalidInputError('[3].quantity: Expected number, received string', '[3].quantity'))).toEqual({
      status: 400,
      body: { error: '[3].quantity: Expected number, received string', field: '[3].quantity' },
    });
  });

  it('leaves field out when the input as a whole is bad', () => {
    expect(errorToHttp(new InvalidInputError('body is not valid JSON'))).toEqual({ status: 400, body: { error: 'body is not valid JSON' } });
  });

  it('keeps the status an AuthError carries', () => {
    expect(errorToHttp(new AuthError('unknown token', 401))).toEqual({ status: 401, body: { error: 'unknown token' } });
    expect(errorToHttp(new AuthError('token is not valid for store S002', 403))).toEqual({ status: 403, body: { error: 'token is not valid for store S002' } });
  });

  it('answers a dependency outage with 503 naming the dependency, not its internals', () => {
    const error = new DependencyError('kafka did not acknowledge: connect ECONNREFUSED 10.0.0.7:9092', 'kafka', { cause: new Error('ECONNREFUSED') });
    expect(errorToHttp(error)).toEqual({ status: 503, body: { error: 'kafka unavailable, retry later' } });
  });

  it('answers anything else with a 500 that says nothing about it', () => {
    for (const error of [new TypeError("Cannot read properties of undefined (reading 'sku')"), new ConfigError('bad', 'KEY'), 'a string', null]) {
      expect(errorToHttp(error)).toEqual({ status: 500, body: { error: 'internal error' } });
    }
  });

  it('passes on the client errors body-parser exposes, and only those', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true, type: 'entity.too.large' });
    expect(errorToHttp(tooLarge)).toEqual({ status: 413, body: { error: 'request entity too large' } });
    const hidden = Object.assign(new Error('socket hang up'), { status: 400, expose: false });
    expect(errorToHttp(hidden).status).toBe(500);
  });

  it('answers the URIError express throws for a malformed path escape with 400, and no other URIError', () => {
    const fromExpress = Object.assign(new URIError("Failed to decode param '%E0%A4%A'"), { status: 400 });
    expect(errorToHttp(fromExpress)).toEqual({ status: 400, body: { error: 'malformed percent-encoding in the path', field: 'path' } });
    expect(errorToHttp(new URIError('URI malformed')).status).toBe(500);
  });
});

describe('httpErrorHandler', () => {
  const app = express();
  app.get('/item/:sku', (_req, res) => {
    res.sendStatus(204);
  });
  app.get('/invalid', () => {
    throw new InvalidInputError('sku: Required', 'sku');
  });
  app.get('/down', (_req, _res, next) => next(new DependencyError('no broker', 'kafka')));
  app.get('/bug', () => {
    throw new RangeError('Invalid time value');
  });
  app.post('/refuse', (_req, _res, next) => next(new AuthError('missing bearer token', 401)));
  app.post('/small', express.raw({ type: '*/*', limit: 10 }), (_req, res) => {
    res.sendStatus(204);
  });
  app.use(httpErrorHandler(createLogger('test', 'silent')));
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => (server = await listen(app)));
  afterAll(() => server.close());

  it.each([
    ['GET', '/invalid', 400, { error: 'sku: Required', field: 'sku' }],
    ['GET', '/down', 503, { error: 'kafka unavailable, retry later' }],
    ['GET', '/bug', 500, { error: 'internal error' }],
    ['POST', '/small', 413, { error: 'request entity too large' }],
    ['GET', '/item/%E0%A4%A', 400, { error: 'malformed percent-encoding in the path', field: 'path' }],
  ])('%s %s -> %i as JSON', async (method, path, status, body) => {
    const response = await fetch(`${server.url}${path}`, { method, body: method === 'POST' ? 'x'.repeat(100) : undefined });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(body);
  });

  it('closes the connection when it refuses a body it did not read, and only then', async () => {
    const unread = await fetch(`${server.url}/invalid`, { method: 'GET' });
    expect(unread.headers.get('connection')).toBe('keep-alive');
    const refusedEarly = await fetch(`${server.url}/refuse`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) });
    expect(refusedEarly.status).toBe(401);
    expect(refusedEarly.headers.get('connection')).toBe('close');
  });
});
