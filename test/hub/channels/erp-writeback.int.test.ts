/**
 * ERP write-back without changing the ERP, and no echo: a till sale reaches the ERP's interface
 * table with the hub's event id; after the ERP's own import job posts it to the journal, CDC
 * brings that row back and the sink recognizes it as the hub's own: no second movement.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { deterministicEventId, type StockMovement } from '../../../core/model';
import { TOPICS } from '../../../core/topics';
import { stack, TopicWatcher } from '../../support/kafka';
import { startService, startSinks, type Service } from '../../support/services';

const run = randomUUID().slice(0, 8);

describe('ERP write-back', () => {
  let sinks: Service;
  let writeback: Service;
  let watcher: TopicWatcher;
  let erp: Client;

  beforeAll(async () => {
    watcher = new TopicWatcher('erp-writeback', [TOPICS.movements, TOPICS.erpStockJournal]);
    await watcher.start();
    sinks = await startSinks('writeback', 18210, run);
    writeback = await startService('erp-writeback', 'hub/channels/erp-writeback/main.ts', 18211, { WRITEBACK_HTTP_PORT: '18211', WRITEBACK_GROUP: `it-wb-${run}` });
    erp = new Client({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD });
    await erp.connect();
  });

  afterAll(async () => {
    await writeback?.stop();
    await sinks?.stop();
    await watcher.stop();
    await erp.end();
  });

  it('posts a till sale to the ERP interface table, and ignores its echo from the ERP journal', async () => {
    const tillId = `T09-${run}-1`;
    const eventId = deterministicEventId('pdv', 'S009', tillId);
    // Whatever other runs left pending is imported first, so the balance moves by this sale only.
    await erp.query('SELECT "ERPADM"."IMPORT_HUBIMP"()');
    const { rows: before } = await erp.query<{ QTYOH: string }>(`SELECT "QTYOH" FROM "ERPADM"."STKBAL" WHERE "ITMCD" = '10000999' AND "BRNCD" = 'S009'`);
    const posted = await fetch(`${sinks.url}/v1/stores/S009/movements`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-token-S009', 'content-type': 'application/json' },
      body: JSON.stringify([{ id: tillId, type: 'SALE', sku: '10000999', quantity: 3, occurredAt: '2026-11-29T11:00:00Z', till: 'T09', receipt: `R${run}` }]),
    });
    expect(posted.status).toBe(202);

    let row: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && row === undefined; i++) {
      row = (await erp.query(`SELECT * FROM "ERPADM"."HUBIMP" WHERE "HUBEVT" = $1`, [eventId])).rows[0];
      if (row === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    expect(row).toMatchObject({ ITMCD: '10000999', BRNCD: 'S009', MVTTYP: 'SAL', QTY: '-3.000', STATUS: 'N', DOCNO: `R${run}` });

    // The ERP's own import job runs (on its schedule; here, now).
    await erp.query('SELECT "ERPADM"."IMPORT_HUBIMP"()');
    const { rows: after } = await erp.query<{ QTYOH: string }>(`SELECT "QTYOH" FROM "ERPADM"."STKBAL" WHERE "ITMCD" = '10000999' AND "BRNCD" = 'S009'`);
    expect(Number(after[0]!.QTYOH)).toBe(Number(before[0]!.QTYOH) - 3);

    // CDC brings the journal row back; the sink must not turn it into a second movement.
    await watcher.waitFor((r) => r.topic === TOPICS.erpStockJournal && (r.value as { after?: { RMK?: string } } | null)?.after?.RMK === `HUB:${eventId}`, 10_000, 'the echo in the ERP journal');
    await new Promise((r) => setTimeout(r, 3_000));
    const movements = watcher.all().filter((r) => r.topic === TOPICS.movements && (r.value as StockMovement).sku === '10000999' && (r.value as StockMovement).locationId === 'S009');
    expect(movements.map((r) => (r.value as StockMovement).source.system)).toEqual(['PDV']);
  });

  it('in shadow mode computes and logs the row it would write, and writes nothing', async () => {
    const shadow = await startService('erp-writeback-shadow', 'hub/channels/erp-writeback/main.ts', 18214, { WRITEBACK_HTTP_PORT: '18214', WRITEBACK_GROUP: `it-wb-shadow-${run}`, WRITEBACK_MODE: 'shadow' });
    try {
      // The live write-back of this file is stopped first, so nothing but the shadow sees the sale.
      await writeback.stop();
      const tillId = `T09-${run}-shadow`;
      const eventId = deterministicEventId('pdv', 'S009', tillId);
      const posted = await fetch(`${sinks.url}/v1/stores/S009/movements`, {
        method: 'POST',
        headers: { authorization: 'Bearer dev-token-S009', 'content-type': 'application/json' },
        body: JSON.stringify([{ id: tillId, type: 'SALE', sku: '10000999', quantity: 1, occurredAt: '2026-11-29T12:00:00Z', till: 'T09', receipt: `S${run}` }]),
      });
      expect(posted.status).toBe(202);
      let wouldWrite = 0;
      for (let i = 0; i < 50 && wouldWrite === 0; i++) {
        const metrics = await (await fetch(`${shadow.url}/metrics`)).text();
        wouldWrite = Number(/stockhub_erp_writeback_shadow_rows_total(?:\{[^}]*\})? (\d+)/.exec(metrics)?.[1] ?? 0);
        if (wouldWrite === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(wouldWrite).toBe(1);
      expect((await erp.query(`SELECT 1 FROM "ERPADM"."HUBIMP" WHERE "HUBEVT" = $1`, [eventId])).rows).toEqual([]);
    } finally {
      await shadow.stop();
    }
  });
});
