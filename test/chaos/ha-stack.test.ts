import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCluster } from '../../scripts/chaos/ha-stack';

describe("the availability test's reading of run/cluster.env", () => {
  let dir: string;
  const before = process.env.STACKHUB_STACK_DIR;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stockhub-cluster-env-'));
    mkdirSync(join(dir, 'run'));
    process.env.STACKHUB_STACK_DIR = dir;
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (before === undefined) delete process.env.STACKHUB_STACK_DIR;
    else process.env.STACKHUB_STACK_DIR = before;
  });

  const write = (lines: string[]): void => writeFileSync(join(dir, 'run/cluster.env'), `${lines.join('\n')}\n`);

  it('takes every broker and worker with their pid files, in order, and the replication', () => {
    write([
      '# Written by scripts/stack up',
      'KAFKA_BROKERS=127.0.0.1:29092,127.0.0.1:29192,127.0.0.1:29292',
      'KAFKA_REPLICATION_FACTOR=3',
      'KAFKA_MIN_INSYNC_REPLICAS=2',
      `KAFKA_PIDS=${dir}/run/kafka.pid,${dir}/run/kafka-2.pid,${dir}/run/kafka-3.pid`,
      'CONNECT_URLS=http://127.0.0.1:28083,http://127.0.0.1:28084',
      'CONNECT_METRICS_URLS=http://127.0.0.1:29404/metrics,http://127.0.0.1:29405/metrics',
      `CONNECT_PIDS=${dir}/run/connect.pid,${dir}/run/connect-2.pid`,
    ]);
    expect(readCluster()).toEqual({
      brokers: ['127.0.0.1:29092', '127.0.0.1:29192', '127.0.0.1:29292'],
      connectUrls: ['http://127.0.0.1:28083', 'http://127.0.0.1:28084'],
      connectMetricsUrls: ['http://127.0.0.1:29404/metrics', 'http://127.0.0.1:29405/metrics'],
      kafkaPidFiles: [`${dir}/run/kafka.pid`, `${dir}/run/kafka-2.pid`, `${dir}/run/kafka-3.pid`],
      connectPidFiles: [`${dir}/run/connect.pid`, `${dir}/run/connect-2.pid`],
      replication: { factor: 3, minInsync: 2 },
    });
  });

  it('refuses a stack of one broker: there is no cluster to fail over in', () => {
    write(['KAFKA_BROKERS=127.0.0.1:29092', `KAFKA_PIDS=${dir}/run/kafka.pid`, 'CONNECT_URLS=http://127.0.0.1:28083', `CONNECT_PIDS=${dir}/run/connect.pid`]);
    expect(() => readCluster()).toThrow(/expected 3 brokers/);
  });

  it('says so when scripts/stack wrote no cluster file', () => {
    expect(() => readCluster()).toThrow(/cluster\.env is missing/);
  });
});
