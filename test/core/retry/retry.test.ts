import { DependencyError, InvalidInputError, isRetriable } from '../../../core/errors';
import { backoffDelay, retry, RetryAbortedError } from '../../../core/retry';

describe('backoffDelay', () => {
  it('doubles from the first delay up to the longest', () => {
    const options = { initialMs: 100, maxMs: 1_000, factor: 2 };
    expect([1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, options))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('retry', () => {
  const noWait = async () => undefined;

  it('retries retriable failures and returns the first success', async () => {
    let n = 0;
    const value = await retry(async () => {
      n += 1;
      if (n < 3) throw new DependencyError('down', 'postgres');
      return 'ok';
    }, { sleep: noWait });
    expect([value, n]).toEqual(['ok', 3]);
  });

  it('throws a final failure at once', async () => {
    let n = 0;
    await expect(retry(async () => {
      n += 1;
      throw new InvalidInputError('bad', 'sku');
    }, { sleep: noWait })).rejects.toThrow(InvalidInputError);
    expect(n).toBe(1);
  });

  it('stops when its caller says so, and after maxAttempts', async () => {
    const down = async () => Promise.reject(new DependencyError('down', 'redis'));
    await expect(retry(down, { sleep: noWait, onRetry: () => false })).rejects.toThrow(RetryAbortedError);
    await expect(retry(down, { sleep: noWait, maxAttempts: 2 })).rejects.toThrow(DependencyError);
  });
});

describe('isRetriable on foreign errors', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('passes socket errors and lost connections, walking the cause chain', () => {
    expect(isRetriable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isRetriable(new Error('query failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') }))).toBe(true);
    expect(isRetriable(new Error('Connection terminated unexpectedly'))).toBe(true);
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
