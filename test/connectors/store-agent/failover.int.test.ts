/**
 * Store feeds through the load balancer while API instances die: two API instances behind
 * HAProxy under npm start's supervisor, a real store agent and the agent's own feed client (in
 * this process, recording every update) both following the store's feed through HAProxy's public
 * port, the store's levels changing all along. Each API instance in turn is killed with SIGKILL;
 * the clients on it reconnect through HAProxy to the other and resume with Last-Event-ID, which
 * any instance resolves (the cursor is a PostgreSQL snapshot horizon, nothing held in a process):
 * no level version arrives twice (levels that stopped changing are not sent again), none goes
 * backwards, a change made while a client was away arrives, and both copies end equal to the hub.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Pool } from 'pg';
import pino from 'pino';
import { FeedClient } from '../../../connectors/store-agent/feed-client';
import type { FeedUpdate, LocalDb } from '../../../connectors/store-agent/local-db';
import { currentCursor } from '../../../hub/feed';
import { startBalancedApi, type BalancedApi } from '../../support/balanced';
import { hubPool } from '../../support/hub-db';
import { startService, type Service } from '../../support/services';
import { eventually, sleep } from '../../support/wait';

const run = randomUUID().slice(0, 8);
const STORE = 'S018';
/** Changing all along; changed once, early (a resume from the start would send them again); changed right after each kill, while a client is away. */
const CHANGING = Array.from({ length: 5 }, (_, i) => `FO${run}-${i}`);
const STILL = [`FO${run}-s1`, `FO${run}-s2`];
const IN_GAP = `FO${run}-gap`;
const SKUS = [...CHANGING, ...STILL, IN_GAP];
const PORTS = { public: 19210, ops: 19211, agent: 19212 };
const AGENT_LOG = resolve(__dirname, '../../../.stack/logs/test-store-agent-failover.log');

/** What the in-process feed client received: level versions in arrival order, and its connections. */
class RecordingCopy {
  readonly versions = new Map<string, number[]>();
  updates: Array<{ at: number }> = [];
  connections = 0;
  private last: string;

  constructor(cursor: string) {
    this.last = cursor;
  }

  /** FeedClient asks for the cursor once per connection. */
  cursor(): string {
    this.connections += 1;
    return this.last;
  }

  applyFeed(updates: readonly FeedUpdate[]): void {
    for (const update of updates) {
      if (update.kind === 'cursor') this.last = update.cursor;
      else if (update.kind === 'level' && SKUS.includes(update.level.sku)) {
        this.versions.set(update.level.sku, [...(this.versions.get(update.level.sku) ?? []), update.level.version]);
        this.updates.push({ at: Date.now() });
      }
    }
  }
}

describe('store feeds through the load balancer', () => {
  let pool: Pool;
  let lb: BalancedApi;
  let agent: Service;
  let follower: FeedClient;
  let copy: RecordingCopy;

  beforeAll(async () => {
    pool = await hubPool();
    await pool.query(`INSERT INTO stock_levels (sku, location_id, on_hand, version, change_txid) SELECT unnest($1::text[]), $2, 20, 1, pg_current_xact_id()`, [SKUS, STORE]);
    lb = await startBalancedApi('feed', PORTS.public, PORTS.ops);
    // Its connections are read from its log: this run's only.
    rmSync(AGENT_LOG, { force: true });
    agent = await startService('store-agent-failover', 'connectors/store-agent/main.ts', PORTS.agent, {
      AGENT_STORE_ID: STORE,
      AGENT_API_TOKEN: `dev-token-api-${STORE}`,
      AGENT_PDV_TOKEN: `dev-token-${STORE}`,
      AGENT_HUB_URL: lb.url,
      // No sales here: nothing is forwarded.
      AGENT_INGEST_URL: 'http://127.0.0.1:9',
      AGENT_DB_PATH: join(mkdtempSync(join(tmpdir(), 'agent-failover-')), `${STORE}.sqlite`),
      AGENT_HTTP_PORT: String(PORTS.agent),
    });
    // The agent's own feed client, from the current horizon (no full snapshot), recording what it gets.
    copy = new RecordingCopy(await currentCursor(pool));
    follower = new FeedClient(`${lb.url}/v1/stores/${STORE}/feed`, `dev-token-api-${STORE}`, copy as unknown as LocalDb, pino({ level: 'silent' }));
    follower.start();
  }, 120_000);

  afterAll(async () => {
    follower?.stop();
    await agent?.stop();
    await lb?.stop();
    await pool?.query('DELETE FROM stock_levels WHERE sku = ANY($1)', [SKUS]);
    await pool?.end();
  });

  const agentLevel = async (sku: string): Promise<{ onHand: number; version: number } | null> => {
    const response = await fetch(`${agent.url}/stock/${sku}`);
    return response.ok ? ((await response.json()) as { onHand: number; version: number }) : null;
  };
  const hubLevels = async (): Promise<Map<string, { onHand: number; version: number }>> => {
    const { rows } = await pool.query<{ sku: string; on_hand: number; version: number }>('SELECT sku, on_hand, version FROM stock_levels WHERE sku = ANY($1) AND location_id = $2', [SKUS, STORE]);
    return new Map(rows.map((r) => [r.sku, { onHand: r.on_hand, version: r.version }]));
  };
  /** One level change, as the reconciler writes it. */
  const change = (sku: string) =>
    pool.query(`UPDATE stock_levels SET on_hand = on_hand - 1, version = version + 1, updated_at = now(), change_txid = pg_current_xact_id() WHERE sku = $1 AND location_id = $2`, [sku, STORE]);
  /** Until `done`: one change every 100 ms, round the changing SKUs. */
  const changing = (done: Promise<unknown>): Promise<void> => {
    let over = false;
    void done.finally(() => (over = true));
    return (async () => {
      for (let i = 0; !over; i++) {
        await change(CHANGING[i % CHANGING.length]!);
        await sleep(100);
      }
    })();
  };
  const feedConnections = (instance: string): Promise<number> =>
    fetch(`http://127.0.0.1:${lb.instances.find((i) => i.name === instance)!.port}/metrics`)
      .then((r) => r.text())
      .then((text) => Number(new RegExp(`^stockhub_feed_connections\\{[^}]*store="${STORE}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0))
      .catch(() => 0);

  it('resumes on the other instance after each one dies, with no version twice and none missed', async () => {
    await eventually('both feeds connected', async () => ((await Promise.all(lb.instances.map((i) => feedConnections(i.name)))).reduce((a, b) => a + b, 0) === 2 ? true : undefined), 30_000);
    for (const sku of [...STILL, IN_GAP]) await change(sku);
    const failovers: string[] = [];
    /** Both feeds on the instance that was not hit, and how long that took. */
    const bothOn = async (instance: string, since: number): Promise<number> => {
      await eventually(`both feeds on ${instance}`, async () => ((await feedConnections(instance)) === 2 ? true : undefined), 20_000);
      return Date.now() - since;
    };
    const back = (instance: string, since: number) =>
      eventually(`${instance} back in HAProxy's pool`, async () => ((await lb.serverStates())[instance] === 'UP' && lb.events.some((e) => e.type === 'healthy' && e.name === instance && e.at > since) ? true : undefined), 60_000);
    const kills = (async () => {
      for (const [victim, other] of [lb.instances, [...lb.instances].reverse()]) {
        await sleep(1_500);
        const killedAt = Date.now();
        process.kill(lb.supervisor.pid(victim!.name)!, 'SIGKILL');
        await change(IN_GAP);
        failovers.push(`${victim!.name} killed: both feeds on ${other!.name} after ${await bothOn(other!.name, killedAt)} ms`);
        await back(victim!.name, killedAt);
      }
      // Hung, not dead: HAProxy marks it down (2 checks of 1 s) and closes its sessions, so the feeds move.
      const [hung, other] = lb.instances;
      await sleep(1_500);
      const stoppedAt = Date.now();
      process.kill(lb.supervisor.pid(hung!.name)!, 'SIGSTOP');
      await change(IN_GAP);
      try {
        failovers.push(`${hung!.name} stopped (SIGSTOP): both feeds on ${other!.name} after ${await bothOn(other!.name, stoppedAt)} ms`);
      } finally {
        process.kill(lb.supervisor.pid(hung!.name)!, 'SIGCONT');
      }
      await eventually(`${hung!.name} back in HAProxy's pool`, async () => ((await lb.serverStates())[hung!.name] === 'UP' ? true : undefined), 30_000);
      await sleep(1_500);
    })();
    await changing(kills);
    await kills;
    process.stdout.write(`[feed-failover] ${failovers.join('; ')}\n`);

    const hub = await hubLevels();
    await eventually('the recording client at the hub’s versions', async () => (SKUS.every((sku) => copy.versions.get(sku)?.at(-1) === hub.get(sku)!.version) ? true : undefined), 10_000);
    await eventually('the agent’s local copy equal to the hub', async () => {
      const local = await Promise.all(SKUS.map(agentLevel));
      return SKUS.every((sku, i) => local[i]?.version === hub.get(sku)!.version && local[i]?.onHand === hub.get(sku)!.onHand) ? true : undefined;
    }, 10_000);
    for (const [sku, versions] of copy.versions) {
      // Each batch carries a level's newest state: versions may be skipped between polls, never repeated or reversed.
      expect({ sku, ordered: versions.every((v, i) => i === 0 || v > versions[i - 1]!) }).toEqual({ sku, ordered: true });
    }
    // Each client reconnected once per fault of the instance it was on: once at least.
    expect(copy.connections).toBeGreaterThanOrEqual(2);
    const resumedWith = [...readFileSync(AGENT_LOG, 'utf8').matchAll(/"cursor":"?(\d+|null)"?[^\n]*"msg":"hub feed connected"/g)].map((m) => m[1]);
    expect(resumedWith.length).toBeGreaterThanOrEqual(2);
    expect(resumedWith.slice(1).every((cursor) => cursor !== 'null')).toBe(true);
  }, 180_000);
});
