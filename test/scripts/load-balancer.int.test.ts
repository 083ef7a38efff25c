/**
 * npm start with STOCKHUB_INSTANCES=2, as far as the load balancer goes: two real API instances
 * and HAProxy (its configuration from scripts/haproxy.ts) under the supervisor of
 * scripts/run-services.ts. Queries through the public port are spread over both; while one is
 * killed with SIGKILL every query is still answered (a connection refused or a GET left without an
 * answer is retried on the other); the supervisor restarts it and HAProxy takes it back; HAProxy
 * killed is restarted like any service.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { startBalancedApi, type BalancedApi } from '../support/balanced';
import { hubPool } from '../support/hub-db';
import { eventually, sleep } from '../support/wait';

const run = randomUUID().slice(0, 8);
const sku = `LB${run}`;

describe('two API instances behind HAProxy, supervised', () => {
  let pool: Pool;
  let lb: BalancedApi;

  beforeAll(async () => {
    pool = await hubPool();
    await pool.query(`INSERT INTO stock_levels (sku, location_id, on_hand) VALUES ($1, 'S001', 12)`, [sku]);
    lb = await startBalancedApi('lb', 19200, 19201);
  }, 120_000);

  afterAll(async () => {
    await lb?.stop();
    await pool?.query('DELETE FROM stock_levels WHERE sku = $1', [sku]);
    await pool?.end();
  });

  const query = async (): Promise<number> => {
    try {
      const response = await fetch(`${lb.url}/v1/stock/${sku}`, { headers: { authorization: 'Bearer dev-token-api-S001' }, signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  };
  /** Queries one after the other until `until` resolves; the status of each. */
  const steadily = async (until: Promise<unknown>): Promise<number[]> => {
    const statuses: number[] = [];
    let done = false;
    void until.finally(() => (done = true));
    while (!done) {
      statuses.push(await query());
      await sleep(5);
    }
    return statuses;
  };
  /** 2xx responses HAProxy counted per instance. */
  const answeredBy = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(`${lb.opsUrl}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const match of text.matchAll(/^haproxy_server_http_responses_total\{proxy="api",server="([^"]+)",code="2xx"\} (\d+)/gm)) counts[match[1]!] = Number(match[2]);
    return counts;
  };

  it('spreads queries over both instances', async () => {
    const before = await answeredBy();
    for (let i = 0; i < 20; i++) expect(await query()).toBe(200);
    const after = await answeredBy();
    for (const instance of lb.instances) expect((after[instance.name] ?? 0) - (before[instance.name] ?? 0)).toBeGreaterThanOrEqual(5);
  });

  it('answers every query while an instance is killed, and takes it back once the supervisor restarted it', async () => {
    const [victim] = lb.instances;
    const killedAt = Date.now();
    const back = (async () => {
      process.kill(lb.supervisor.pid(victim!.name)!, 'SIGKILL');
      await eventually('HAProxy to mark the killed instance down', async () => ((await lb.serverStates())[victim!.name]?.startsWith('DOWN') ? true : undefined), 10_000);
      const downAt = Date.now();
      const healthy = await eventually('the supervisor to restart the instance', async () => lb.events.find((e) => e.type === 'healthy' && e.name === victim!.name && e.at > killedAt), 60_000);
      await eventually('HAProxy to take the instance back', async () => ((await lb.serverStates())[victim!.name] === 'UP' ? true : undefined), 10_000);
      return { downMs: downAt - killedAt, restartedMs: healthy.at - killedAt, backMs: Date.now() - killedAt };
    })();
    const statuses = await steadily(back);
    const times = await back;
    process.stdout.write(`[lb] ${statuses.length} queries during the kill, all answered: ${statuses.every((s) => s === 200)}; marked down after ${times.downMs} ms, restarted in ${times.restartedMs} ms, back in the pool after ${times.backMs} ms\n`);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses.length).toBeGreaterThan(50);
    expect(times.downMs).toBeLessThan(5_000);
  }, 90_000);

  it('restarts HAProxy when it dies, and the public port answers again', async () => {
    const killedAt = Date.now();
    process.kill(lb.supervisor.pid('haproxy')!, 'SIGKILL');
    await eventually('HAProxy restarted', async () => lb.events.find((e) => e.type === 'healthy' && e.name === 'haproxy' && e.at > killedAt), 30_000);
    const answeredAfter = await eventually('a query answered through HAProxy again', async () => ((await query()) === 200 ? Date.now() - killedAt : undefined), 30_000);
    process.stdout.write(`[lb] HAProxy killed: the public port answered again after ${answeredAfter} ms\n`);
    expect(answeredAfter).toBeLessThan(10_000);
  }, 60_000);
});
