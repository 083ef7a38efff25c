import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { ConfigError, DependencyError, InvalidInputError, StockHubError, isRetriable } from '../../core/errors';

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

describe("isRetriable on kafkajs' retrier wrapper", () => {
  // kafkajs' typings leave out the options its retrier passes (src/retry/index.js).
  const NonRetriable = KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => KafkaJSNonRetriableError;
  /** What kafkajs' retrier rejects with once an attempt fails in a way it will not retry. */
  const retrierGaveUp = (e: Error): KafkaJSNonRetriableError => new NonRetriable(e, { cause: e.cause instanceof Error ? e.cause : e });
  const refused = (): KafkaJSConnectionError => new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: 'kafka:9092', code: 'ECONNREFUSED' });
  const exhausted = (e: Error): KafkaJSNumberOfRetriesExceeded => new KafkaJSNumberOfRetriesExceeded(e, { retryCount: 5, retryTime: 1000 });
  const protocolError = (type: string, message: string): KafkaJSProtocolError => new KafkaJSProtocolError(Object.assign(new Error(message), { type, retriable: false }));

  it('retries a send that kafkajs gave up on while the broker was down: the cause decides, not the wrapper', () => {
    // The producer's send retrier wrapping the cluster retrier's exhausted connection attempts.
    const send = retrierGaveUp(exhausted(refused()));
    expect(send.retriable).toBe(false);
    expect(send.cause).toBeInstanceOf(KafkaJSConnectionError);
    expect(isRetriable(send)).toBe(true);
    expect(isRetriable(new NonRetriable(exhausted(refused()), { cause: exhausted(refused()) }))).toBe(true);
    expect(isRetriable(retrierGaveUp(new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out', { broker: 'kafka:9092', clientId: 'sinks', correlationId: 1, createdAt: 0, sentAt: 0, pendingDuration: 30000 })))).toBe(true);
  });

  it('keeps final what it wraps around a final cause, and its own verdict when there is no cause', () => {
    expect(isRetriable(retrierGaveUp(protocolError('MESSAGE_TOO_LARGE', 'The request included a message larger than the max message size the server will accept')))).toBe(false);
    expect(isRetriable(retrierGaveUp(protocolError('INVALID_RECORD', 'This record has failed the validation on broker and hence be rejected')))).toBe(false);
    expect(isRetriable(retrierGaveUp(new InvalidInputError('sku missing', 'sku')))).toBe(false);
    expect(isRetriable(retrierGaveUp(new TypeError("Cannot read properties of undefined (reading 'offset')")))).toBe(false);
    expect(isRetriable(new KafkaJSNonRetriableError('Invalid topic'))).toBe(false);
  });
});
