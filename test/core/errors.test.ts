import { ConfigError, DependencyError, StockHubError, isRetriable } from '../../core/errors';

describe('isRetriable', () => {
  it('follows the first StockHubError in the cause chain', () => {
    const root = new DependencyError('broker unreachable', 'kafka');
    expect(isRetriable(new Error('wrapped', { cause: root }))).toBe(true);
    expect(isRetriable(new StockHubError('final', { retriable: false, cause: root }))).toBe(false);
  });

  it('never retries programming errors, even under a retriable-looking wrapper', () => {
    expect(isRetriable(new Error('outer', { cause: new TypeError('x is undefined') }))).toBe(false);
    expect(isRetriable(new TypeError('boom'))).toBe(false);
  });

  it('honours a foreign retriable flag (kafkajs errors carry one)', () => {
    const kafkaError = Object.assign(new Error('leader not available'), { retriable: true });
    expect(isRetriable(new Error('send failed', { cause: kafkaError }))).toBe(true);
  });

  it('treats unknown errors and config errors as final', () => {
    expect(isRetriable(new Error('mystery'))).toBe(false);
    expect(isRetriable(new ConfigError('bad', 'KAFKA_BROKERS'))).toBe(false);
    expect(isRetriable('not an error')).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isRetriable(a)).toBe(false);
  });
});
