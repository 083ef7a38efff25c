/**
 * stockhub-reconcile against the live stack, as an operator runs it (bin/stockhub-reconcile, a
 * real process): a SKU of the test's own, put into the ERP stand-in and the hub with equal
 * values, drifts when the ERP changes behind the hub's back, and --fix brings the hub to the ERP's
 * number through stock.movements and a real reconciler.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { TOPICS } from '../../../../core/topics';
import { hubPool } from '../../../support/hub-db';
import { stack, testKafka, TopicWatcher } from '../../../support/kafka';
import { reconcile } from '../../../support/reconcile-cli';
import { startReconcilerAtEnd, type Service } from '../../../support/services';

const run = randomUUID().slice(0, 8);
// Not in the seed (8-digit SKUs from 10000001): a 9 and seven random digits.
const SKU = `9${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

const report = (...args: string[]) => reconcile(['--system', 'erp', '--sku', SKU, '--format', 'json', ...args]);

describe('stockhub-reconcile on the live stack', () => {
  let erp: Pool;
  let hub: Pool;
  let reconciler: Service | undefined;
  let watcher: TopicWatcher | undefined;

  beforeAll(async () => {
    erp = new Pool({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD, max: 2 });
    hub = await hubPool();
    await erp.query(`INSERT INTO "ERPADM"."ITMMST" ("ITMCD", "ITMDSC") VALUES ($1, 'reconcile test')`, [SKU]);
    await erp.query(`INSERT INTO "ERPADM"."STKBAL" ("ITMCD", "BRNCD", "QTYOH", "LSTUSR") VALUES ($1, 'S001', 12, 'IT')`, [SKU]);
    await hub.query(`INSERT INTO stock_levels (sku, location_id, on_hand) VALUES ($1, 'S001', 12)`, [SKU]);
  });

  afterAll(async () => {
    await watcher?.stop();
    await reconciler?.stop();
    await erp.query(`DELETE FROM "ERPADM"."STKBAL" WHERE "ITMCD" = $1`, [SKU]);
    await erp.query(`DELETE FROM "ERPADM"."ITMMST" WHERE "ITMCD" = $1`, [SKU]);
    await erp.end();
    await hub.end();
  });

  it('exits 0 when the ERP and the hub agree', async () => {
    const { code, stdout, stderr } = await report();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const doc = JSON.parse(stdout);
    expect(doc.rows).toEqual([]);
    expect(doc.summary).toMatchObject({ skus: 1, complete: true, failures: [], systems: { erp: { compared: 1, drift: 0 } } });
  });

  it('exits 1 naming exactly the drift when the ERP changes behind the hub’s back', async () => {
    await erp.query(`UPDATE "ERPADM"."STKBAL" SET "QTYOH" = 9 WHERE "ITMCD" = $1 AND "BRNCD" = 'S001'`, [SKU]);
    const { code, stdout } = await report();
    expect(code).toBe(1);
    expect(JSON.parse(stdout).rows).toEqual([
      expect.objectContaining({ system: 'erp', sku: SKU, location: 'S001', measure: 'onHand', hubValue: 12, systemValue: 9, difference: -3 }),
    ]);
    const table = await reconcile(['--system', 'erp', '--sku', SKU]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(new RegExp(`erp +${SKU} +S001 +onHand +12 +9 +-3\\n`));
  });

  it('refuses --fix without --yes when it cannot ask, before reading anything', async () => {
    const { code, stderr } = await report('--fix', '--fix-system', 'erp');
    expect(code).toBe(2);
    expect(stderr).toContain('--yes: --fix asks for confirmation on a terminal');
  });

  it(
    '--fix --fix-system erp --yes sends a COUNT the reconciler applies, and the drift is gone',
    async () => {
      const kafka = testKafka(`report-${run}`);
      reconciler = await startReconcilerAtEnd('report', 18280, run, hub, kafka);
      watcher = new TopicWatcher(`report-${run}`, [TOPICS.movements]);
      await watcher.start();

      const { code, stdout, stderr } = await report('--fix', '--fix-system', 'erp', '--yes', '--run-id', `it-${run}`);
      expect(stderr).toContain('waiting up to 10 s for the reconciler');
      expect(code).toBe(0);
      const [fix] = JSON.parse(stdout).fixes;
      expect(fix).toMatchObject({ system: 'erp', sku: SKU, location: 'S001', status: 'applied', countedQuantity: 9, resolved: true });

      const sent = await watcher.waitFor((r) => r.message.key?.toString() === SKU, 5_000, 'the corrective COUNT');
      expect(sent.value).toMatchObject({
        eventId: fix.eventId,
        type: 'COUNT',
        sku: SKU,
        locationId: 'S001',
        countedQuantity: 9,
        source: { system: 'HUB', instance: 'stockhub-reconcile', ref: { document: `it-${run}`, entity: 'reconcile:erp' } },
        actor: expect.stringMatching(/^ops:/),
        reason: 'reconciliation: erp showed 9, hub had 12',
      });
      const { rows: levels } = await hub.query('SELECT location_id, on_hand::int AS on_hand FROM stock_levels WHERE sku = $1', [SKU]);
      expect(levels).toEqual([{ location_id: 'S001', on_hand: 9 }]);
      const { rows: audit } = await hub.query('SELECT effect, source_system, kafka_topic FROM ledger WHERE event_id = $1', [fix.eventId]);
      expect(audit).toEqual([{ effect: 'applied', source_system: 'HUB', kafka_topic: TOPICS.movements }]);

      const after = await report();
      expect(after.code).toBe(0);

      // The same run id again: the same event id, which the ledger has already applied.
      const again = await report('--fix', '--fix-system', 'erp', '--yes', '--run-id', `it-${run}`);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout).fixes).toEqual([]);
      const { rows: ledger } = await hub.query('SELECT count(*)::int AS n FROM ledger WHERE event_id = $1', [fix.eventId]);
      expect(ledger[0].n).toBe(1);
    },
    120_000,
  );
});
