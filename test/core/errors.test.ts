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

describe('isRetriable on foreign errors', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('passes socket errors and lost connections, walking the cause chain', () => {
    expect(isRetriable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isRetriable(new Error('query failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') }))).toBe(true);
    expect(isRetriable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isRetriable(new Error('Query read timeout'))).toBe(true);
  });

  it("retries kafkajs' 'retries exceeded' and timeouts (the broker was away), but not a protocol error it calls final", () => {
    const exceeded = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false });
    expect(isRetriable(exceeded)).toBe(true);
    expect(isRetriable(Object.assign(new Error('Timeout'), { name: 'KafkaJSLockTimeout', retriable: false }))).toBe(true);
    expect(isRetriable(Object.assign(new Error('The request included a message larger than the max message size'), { name: 'KafkaJSProtocolError', retriable: false }))).toBe(false);
  });

  it('retries the SQLSTATE classes of a server in trouble, and refuses those of a bad statement', () => {
    expect(isRetriable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isRetriable(withCode('deadlock detected', '40P01'))).toBe(true);
    expect(isRetriable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isRetriable(withCode('value too long for type character varying(20)', '22001'))).toBe(false);
    expect(isRetriable(withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021'))).toBe(false);
    expect(isRetriable(withCode('duplicate key value', '23505'))).toBe(false);
  });
});
