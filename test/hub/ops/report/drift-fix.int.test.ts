/**
 * Issue 6's "done when", on the real services: the reconciliation report (bin/stockhub-reconcile,
 * a real process) shows zero drift; after a value is changed behind the hub's back it reports
 * exactly that drift; --fix clears it.
 *
 *   A. Shopify: a staff edit in the Shopify admin (the emulator) whose webhook is lost; --fix
 *      trusts Shopify, through stock.movements and a real reconciler.
 *   B. A store agent: its local SQLite copy altered directly; --fix repairs the agent from the hub
 *      (POST /resync on the agent), and the hub is left as it was.
 *
 * Each scenario has a SKU of its own per run. The hub's levels come from opening COUNTs produced
 * to stock.movements, so that the Shopify channel and the store feed carry them out as they would
 * any other change.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { connectProducer } from '../../../../core/kafka';
import { deterministicEventId, MOVEMENT_SCHEMA_VERSION, stockMovementSchema } from '../../../../core/model';
import { loadShopifyConfig } from '../../../../core/shopify';
import { TOPICS } from '../../../../core/topics';
import { dropDatabase } from '../../../../hub/db';
import { hubDbUrl, hubPool } from '../../../support/hub-db';
import { stack, testKafka } from '../../../support/kafka';
import { startReconcilerAtEnd, startService, startSinks, type Service } from '../../../support/services';
import { reconcile, type ReconcileOutcome } from '../../../support/reconcile-cli';
import { ShopifyEmulator } from '../../../support/shopify-emulator';
import { eventually as waitFor, sleep } from '../../../support/wait';

const run = randomUUID().slice(0, 8).toUpperCase();
const PORTS = { emulator: 18450, sinks: 18451, reconciler: 18452, channel: 18453, api: 18454, agent: 18455 };
const SKU = { shopify: `DFS-${run}`, agent: `DFA-${run}` };
const STORE = { shopify: 'S007', agent: 'S008' };
/** Hub location -> Shopify location id (decimal), from the shop's own map. */
const shopifyIdOf = Object.fromEntries(Object.entries(loadShopifyConfig().locations).map(([id, hub]) => [hub, id])) as Record<string, string>;

/** The stack's services need longer than the default wait here. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => waitFor(what, probe, timeoutMs);

/** A TCP connect within 2 s, or an error that says which part of the stack is down. */
function reachable(what: string, host: string, port: number): Promise<void> {
  return new Promise((done, fail) => {
    const socket = connect({ host, port, timeout: 2_000 });
    const refuse = (reason: string) => {
      socket.destroy();
      fail(new Error(`${what} is not up at ${host}:${port} (${reason}): start the stack with scripts/stack up`));
    };
    socket.once('connect', () => {
      socket.end();
      done();
    });
    socket.once('timeout', () => refuse('no answer within 2 s'));
    socket.once('error', (error: NodeJS.ErrnoException) => refuse(error.code ?? error.message));
  });
}

async function stackIsUp(): Promise<void> {
  const [kafkaHost, kafkaPort] = stack.KAFKA_BROKERS[0]!.split(':');
  const redis = new URL(stack.REDIS_URL);
  const pg = new URL(hubDbUrl);
  await Promise.all([
    reachable('Kafka', kafkaHost!, Number(kafkaPort)),
    reachable('Redis', redis.hostname, Number(redis.port || 6379)),
    reachable("The hub's PostgreSQL", pg.hostname, Number(pg.port || 5432)),
  ]);
}

/** The report's JSON, with the child's stderr in the error when stdout is not a report. */
function json(outcome: ReconcileOutcome): { rows: Array<Record<string, unknown>>; summary: Record<string, unknown>; fixes: Array<Record<string, unknown>> | null } {
  try {
    return JSON.parse(outcome.stdout);
  } catch {
    throw new Error(`stockhub-reconcile exited ${outcome.code} without a JSON report; stderr:\n${outcome.stderr}`);
  }
}

describe('stockhub-reconcile: drift behind the hub’s back, reported and fixed (issue 6)', () => {
  let pool: Pool;
  let producer: Producer;
  let reconciler: Service | undefined;

  const level = async (sku: string, location: string) => {
    const { rows } = await pool.query<{ on_hand: string; reserved: string; safety_stock: string }>(
      'SELECT on_hand, reserved, safety_stock FROM stock_levels WHERE sku = $1 AND location_id = $2',
      [sku, location],
    );
    const row = rows[0];
    return row === undefined ? undefined : { onHand: Number(row.on_hand), available: Number(row.on_hand) - Number(row.reserved) - Number(row.safety_stock) };
  };

  /** Opening stock: a COUNT per location on stock.movements, as the ERP would send it. */
  const openingCounts = async (sku: string, counts: Record<string, number>) => {
    const now = new Date().toISOString();
    const movements = Object.entries(counts).map(([location, counted]) =>
      stockMovementSchema.parse({
        schema: MOVEMENT_SCHEMA_VERSION,
        eventId: deterministicEventId('it-drift-fix', run, sku, location),
        type: 'COUNT',
        sku,
        locationId: location,
        countedQuantity: counted,
        occurredAt: now,
        ingestedAt: now,
        source: { system: 'ERP', instance: 'it-drift-fix', ref: { document: `OPEN-${run}`, line: null, entity: 'it-drift-fix' }, position: null, raw: null },
        actor: 'it-drift-fix',
        reason: 'opening stock',
        correlationId: null,
      }),
    );
    await producer.send({ topic: TOPICS.movements, acks: -1, messages: movements.map((m) => ({ key: m.sku, value: JSON.stringify(m), headers: { eventId: m.eventId } })) });
    await eventually(`the opening counts of ${sku} in the hub`, async () => {
      for (const [location, counted] of Object.entries(counts)) if ((await level(sku, location))?.onHand !== counted) return undefined;
      return true;
    });
  };

  /** The report's COUNT in the ledger: applied, by the hub's report, audited with the operator. */
  const auditedCount = async (eventId: string) =>
    (
      await pool.query(
        `SELECT type, sku, location_id, counted_quantity::float8 AS counted, effect, source_system, source_instance, source_entity, actor, reason, kafka_topic
         FROM ledger WHERE event_id = $1`,
        [eventId],
      )
    ).rows;

  // Jest runs a nested beforeAll even when this one failed: each awaits this, so a stack that
  // is down fails every test with the same message rather than with what it broke downstream.
  let started!: Promise<void>;
  beforeAll(async () => {
    started = (async () => {
      await stackIsUp();
      pool = await hubPool();
      const kafka = testKafka(`drift-fix-${run}`);
      producer = await connectProducer(kafka);
      reconciler = await startReconcilerAtEnd('drift-fix', PORTS.reconciler, run, pool, kafka);
    })();
    await started;
  }, 90_000);

  afterAll(async () => {
    await reconciler?.stop();
    await producer?.disconnect();
    await pool?.end();
  });

  describe('A. Shopify: an admin edit whose webhook is lost', () => {
    const sku = SKU.shopify;
    const env = { SHOPIFY_ADMIN_URL: `http://127.0.0.1:${PORTS.emulator}` };
    const report = (...args: string[]) => reconcile(['--system', 'shopify', '--sku', sku, '--format', 'json', ...args], env);
    let emulator: ShopifyEmulator | undefined;
    const services: Service[] = [];

    // The channel's durable state (shopify_push, shopify_items, shopify_readback) in a database of
    // this run's own: those tables are shared by every channel on the hub's database, so another
    // run's backlog (tens of thousands of levels other emulators do not sell) would be drained
    // before this SKU, and another emulator's item ids (each starts at the same number) would
    // fight over shopify_items. The channel's migrations create it; afterAll drops it.
    const channelDbUrl = Object.assign(new URL(hubDbUrl), { pathname: `/stockhub_it_drift_fix_${run.toLowerCase()}` }).toString();

    beforeAll(async () => {
      await started;
      emulator = await ShopifyEmulator.start('drift-fix', PORTS.emulator, `http://127.0.0.1:${PORTS.sinks}/webhooks/shopify`);
      // In Shopify's catalogue at 0 everywhere, until the hub's channel says otherwise.
      await emulator.addItems([{ sku }]);
      services.push(await startSinks('drift-fix', PORTS.sinks, run, env));
      services.push(
        await startService('drift-fix-shopify-channel', 'hub/channels/shopify/main.ts', PORTS.channel, {
          ...env,
          HUB_PG_URL: channelDbUrl,
          SHOPIFY_CHANNEL_HTTP_PORT: String(PORTS.channel),
          SHOPIFY_CHANNEL_GROUP: `it-drift-fix-channel-${run}`,
        }),
      );
      // Safety stock at the DC, so that Shopify's "available" is not the hub's on-hand.
      await pool.query(`INSERT INTO stock_levels (sku, location_id, safety_stock) VALUES ($1, 'DC01', 2)`, [sku]);
      await openingCounts(sku, { DC01: 40, [STORE.shopify]: 11 });
      await eventually(`Shopify to show the hub's ${sku} (DC01 38, ${STORE.shopify} 11)`, async () => {
        const [dc, store] = [await emulator!.level(sku, 'DC01'), await emulator!.level(sku, STORE.shopify)];
        return dc === 38 && store === 11 ? true : undefined;
      });
    }, 120_000);

    afterAll(async () => {
      for (const service of services.reverse()) await service.stop();
      await emulator?.stop();
      await dropDatabase(channelDbUrl);
    });

    it('shows zero drift while Shopify shows the hub’s values', async () => {
      const outcome = await report();
      expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({ code: 0, stderr: '' });
      const doc = json(outcome);
      expect(doc.rows).toEqual([]);
      // Every mapped Shopify location holds the item (0 where the hub has nothing): all compared.
      expect(doc.summary).toMatchObject({ skus: 1, complete: true, failures: [], systems: { shopify: { compared: Object.keys(shopifyIdOf).length, drift: 0 } } });
    });

    it('reports exactly the edited sku@location, with the hub’s and Shopify’s values', async () => {
      await emulator!.setLevel(sku, shopifyIdOf.DC01!, 33, { webhook: false });
      await sleep(1_000); // nothing should move: the webhook is lost
      expect(await level(sku, 'DC01')).toEqual({ onHand: 40, available: 38 });

      const outcome = await report();
      expect(outcome.code).toBe(1);
      expect(json(outcome).rows).toEqual([
        expect.objectContaining({ system: 'shopify', sku, location: 'DC01', measure: 'available', hubValue: 38, systemValue: 33, difference: -5, hubLevel: { onHand: 40, reserved: 0, safetyStock: 2 } }),
      ]);
    });

    it('--fix --fix-system shopify --yes sends an audited HUB COUNT; the hub takes Shopify’s value and the drift is gone', async () => {
      const outcome = await report('--fix', '--fix-system', 'shopify', '--yes', '--run-id', `drift-${run}`);
      expect(outcome.stderr).toContain('trusting shopify');
      expect(outcome.code).toBe(0);
      const doc = json(outcome);
      expect(doc.fixes).toEqual([
        expect.objectContaining({ system: 'shopify', sku, location: 'DC01', status: 'applied', countedQuantity: 35, resolved: true }),
      ]);
      // Shopify's 33 available plus the hub's safety stock: 35 on hand.
      expect(await level(sku, 'DC01')).toEqual({ onHand: 35, available: 33 });
      expect(await level(sku, STORE.shopify)).toEqual({ onHand: 11, available: 11 });
      expect(await auditedCount(String(doc.fixes![0]!.eventId))).toEqual([
        {
          type: 'COUNT',
          sku,
          location_id: 'DC01',
          counted: 35,
          effect: 'applied',
          source_system: 'HUB',
          source_instance: 'stockhub-reconcile',
          source_entity: 'reconcile:shopify',
          actor: expect.stringMatching(/^ops:.+/),
          reason: 'reconciliation: shopify showed 33 available, hub had 38 available',
          kafka_topic: TOPICS.movements,
        },
      ]);

      // The channel pushes the hub's new level; Shopify keeps the edited value, and a fresh
      // report finds nothing.
      await sleep(3_000);
      expect(await emulator!.level(sku, 'DC01')).toBe(33);
      const after = await report();
      expect({ code: after.code, rows: json(after).rows }).toEqual({ code: 0, rows: [] });
    }, 60_000);
  });

  describe('B. A store agent: its local copy altered', () => {
    const sku = SKU.agent;
    const store = STORE.agent;
    let dir: string | undefined;
    let dbPath: string;
    let agentsFile: string;
    const report = (...args: string[]) => reconcile(['--system', 'agents', '--sku', sku, '--format', 'json', ...args], { STOCKHUB_AGENTS_FILE: agentsFile });
    const services: Service[] = [];
    const hubRow = async (s: string, location: string) =>
      (await pool.query<{ on_hand: string; version: string }>('SELECT on_hand, version FROM stock_levels WHERE sku = $1 AND location_id = $2', [s, location])).rows.map((r) => ({
        onHand: Number(r.on_hand),
        version: Number(r.version),
      }))[0]!;
    const ledgerOf = async (s: string, location: string) =>
      (await pool.query<{ event_id: string; source_system: string; effect: string }>('SELECT event_id, source_system, effect FROM ledger WHERE sku = $1 AND location_id = $2 ORDER BY event_id', [s, location])).rows;
    const agentOnHand = async (): Promise<number | undefined> => {
      const response = await fetch(`http://127.0.0.1:${PORTS.agent}/stock/${sku}`);
      return response.ok ? ((await response.json()) as { onHand: number }).onHand : undefined;
    };

    beforeAll(async () => {
      await started;
      dir = mkdtempSync(join(tmpdir(), 'drift-fix-'));
      dbPath = join(dir, `${store}.sqlite`);
      agentsFile = join(dir, 'store-agents.json');
      writeFileSync(agentsFile, JSON.stringify({ agents: { [store]: `http://127.0.0.1:${PORTS.agent}` } }));
      services.push(await startService('drift-fix-api', 'hub/api/main.ts', PORTS.api, { API_HTTP_PORT: String(PORTS.api), API_REFILL_CACHE: 'false' }));
      services.push(
        await startService('drift-fix-store-agent', 'connectors/store-agent/main.ts', PORTS.agent, {
          AGENT_STORE_ID: store,
          AGENT_API_TOKEN: `dev-token-api-${store}`,
          AGENT_PDV_TOKEN: `dev-token-${store}`,
          AGENT_HUB_URL: `http://127.0.0.1:${PORTS.api}`,
          // Nothing is sold here; no sinks to forward to.
          AGENT_INGEST_URL: 'http://127.0.0.1:9',
          AGENT_DB_PATH: dbPath,
          AGENT_HTTP_PORT: String(PORTS.agent),
        }),
      );
      await openingCounts(sku, { [store]: 15 });
      await eventually(`the agent's local copy of ${sku} (15)`, async () => ((await agentOnHand()) === 15 ? true : undefined), 60_000);
    }, 120_000);

    afterAll(async () => {
      for (const service of services.reverse()) await service.stop();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('shows zero drift while the agent’s copy equals the hub', async () => {
      const outcome = await report();
      expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({ code: 0, stderr: '' });
      expect(json(outcome)).toMatchObject({ rows: [], summary: { skus: 1, complete: true, failures: [], systems: { agents: { compared: 1, drift: 0 } } } });
    });

    it('reports exactly the tampered sku@store when the local SQLite copy is altered behind the hub’s back', async () => {
      const db = new Database(dbPath);
      try {
        db.pragma('busy_timeout = 5000');
        expect(db.prepare('UPDATE levels SET on_hand = on_hand - 6, available = available - 6 WHERE sku = ?').run(sku).changes).toBe(1);
      } finally {
        db.close();
      }
      expect(await agentOnHand()).toBe(9);

      const outcome = await report();
      expect(outcome.code).toBe(1);
      expect(json(outcome).rows).toEqual([expect.objectContaining({ system: 'agents', sku, location: store, measure: 'onHand', hubValue: 15, systemValue: 9, difference: -6 })]);
    });

    /*
     * An agent's copy is a cache of the hub (plus the tills' sales not yet forwarded): nobody counts
     * stock into it, so for agents the hub wins. --fix asks the agent to re-read the hub's level
     * (POST /resync); nothing goes to stock.movements, and the hub's level and ledger stay as they are.
     */
    it('--fix --fix-system agents --yes repairs the agent from the hub: its copy equals the hub again, the hub is untouched', async () => {
      const ledgerBefore = await ledgerOf(sku, store);
      const hubBefore = await hubRow(sku, store);
      const outcome = await report('--fix', '--fix-system', 'agents', '--yes', '--run-id', `drift-${run}`);
      expect(outcome.stderr).toContain('to repair from the hub at 1 agent(s): the hub wins');
      expect(outcome.stderr).toContain('nothing is sent to the hub');
      expect(outcome.stderr).not.toContain('COUNT');
      expect(outcome.code).toBe(0);
      const doc = json(outcome);
      expect(doc.rows).toEqual([expect.objectContaining({ system: 'agents', sku, location: store, hubValue: 15, systemValue: 9, difference: -6 })]);
      expect(doc.fixes).toEqual([
        { system: 'agents', sku, location: store, status: 'resynced', eventId: null, countedQuantity: null, detail: "agent 9 -> hub's 15", resolved: true },
      ]);

      // The agent's copy is the hub's again, version included (so its feed goes on from there).
      expect(await agentOnHand()).toBe(15);
      const db = new Database(dbPath, { readonly: true });
      try {
        expect(db.prepare('SELECT on_hand, version FROM levels WHERE sku = ?').get(sku)).toEqual({ on_hand: 15, version: hubBefore.version });
      } finally {
        db.close();
      }
      // The hub: same level, same version, same ledger, and no COUNT from the report.
      expect(await hubRow(sku, store)).toEqual(hubBefore);
      expect(await level(sku, store)).toEqual({ onHand: 15, available: 15 });
      expect(await ledgerOf(sku, store)).toEqual(ledgerBefore);
      expect(ledgerBefore.filter((e) => e.source_system === 'HUB')).toEqual([]);

      const after = await report();
      expect({ code: after.code, rows: json(after).rows }).toEqual({ code: 0, rows: [] });
    }, 60_000);
  });
});
