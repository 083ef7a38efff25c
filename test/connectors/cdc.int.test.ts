/**
 * Change-data capture is real: rows written to the ERP stand-in (PostgreSQL, pgoutput) and the
 * WMS stand-in (MariaDB binlog) come out of Debezium on Kafka, with before and after images,
 * within 10 s. Needs `scripts/stack up`.
 */
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { TOPICS } from '../../core/topics';
import { stack, TopicWatcher, type Received } from '../support/kafka';

const WITHIN_MS = 10_000;

interface Envelope {
  op: 'c' | 'u' | 'd' | 'r';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: Record<string, unknown>;
}

const envelope = (r: Received): Envelope => r.value as Envelope;
/** Tombstones (null values) arrive on the same topics: predicates must tolerate them. */
const after = (r: Received): Record<string, unknown> | undefined => (r.value as Envelope | null)?.after ?? undefined;
const randomSku = (): string => String(10_000_001 + Math.floor(Math.random() * 50_000));

describe('Debezium CDC from the legacy stand-ins', () => {
  let watcher: TopicWatcher;
  let erp: Client;
  let wms: mysql.Connection;

  beforeAll(async () => {
    watcher = new TopicWatcher('cdc', [TOPICS.erpStockJournal, TOPICS.erpStockBalance, TOPICS.wmsInventory, TOPICS.wmsTransactions]);
    await watcher.start();
    erp = new Client({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD });
    await erp.connect();
    wms = await mysql.createConnection({ host: stack.WMS_DB_HOST, port: stack.WMS_DB_PORT, database: stack.WMS_DB_DATABASE, user: stack.WMS_DB_USER, password: stack.WMS_DB_PASSWORD });
  });

  afterAll(async () => {
    await watcher.stop();
    await erp.end();
    await wms.end();
  });

  it('captures an ERP journal insert and the balance update of the same transaction', async () => {
    const sku = randomSku();
    const docNo = `IT${randomUUID().slice(0, 12).toUpperCase()}`;
    await erp.query('BEGIN');
    const { rows } = await erp.query<{ QTYOH: string }>(
      `SELECT "QTYOH" FROM "ERPADM"."STKBAL" WHERE "ITMCD" = $1 AND "BRNCD" = 'S001' FOR UPDATE`,
      [sku],
    );
    const before = Number(rows[0]!.QTYOH);
    await erp.query(
      `INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "DOCLN", "USRID", "RMK")
       VALUES ($1, 'S001', 'ADJ', -2, $2, 1, 'JSMITH', 'integration test')`,
      [sku, docNo],
    );
    await erp.query(
      `UPDATE "ERPADM"."STKBAL" SET "QTYOH" = "QTYOH" - 2, "LSTUPD" = LOCALTIMESTAMP, "LSTUSR" = 'JSMITH'
       WHERE "ITMCD" = $1 AND "BRNCD" = 'S001'`,
      [sku],
    );
    const committedAt = Date.now();
    await erp.query('COMMIT');

    const journal = await watcher.waitFor(
      (r) => r.topic === TOPICS.erpStockJournal && after(r)?.DOCNO === docNo,
      WITHIN_MS,
      'ERP journal event',
    );
    const j = envelope(journal);
    expect(j.op).toBe('c');
    expect(j.before).toBeNull();
    expect(j.after).toMatchObject({ ITMCD: sku, BRNCD: 'S001', MVTTYP: 'ADJ', QTY: '-2.000', DOCLN: '1', USRID: 'JSMITH' });
    expect(j.source).toMatchObject({ connector: 'postgresql', name: 'erp', schema: 'ERPADM', table: 'STKJRNL' });
    expect(typeof j.source.lsn).toBe('number');
    expect(JSON.parse(journal.message.key!.toString())).toEqual({ JRNLNO: j.after!.JRNLNO });

    const balance = await watcher.waitFor(
      (r) => r.topic === TOPICS.erpStockBalance && after(r)?.ITMCD === sku && after(r)?.BRNCD === 'S001',
      WITHIN_MS,
      'ERP balance event',
    );
    const b = envelope(balance);
    expect(b.op).toBe('u');
    expect(Number(b.before!.QTYOH)).toBe(before);
    expect(Number(b.after!.QTYOH)).toBe(before - 2);
    expect(b.source.txId).toBe(j.source.txId);
    expect(Math.max(journal.receivedAt, balance.receivedAt) - committedAt).toBeLessThan(WITHIN_MS);
  });

  it('captures a WMS inventory update and an inventory transaction from the binlog', async () => {
    const sku = randomSku();
    const ref = `ASN-${randomUUID().slice(0, 8)}`;
    await wms.beginTransaction();
    const [rows] = await wms.query<mysql.RowDataPacket[]>(
      'SELECT inv_id, qty_on_hand FROM inv_inventory WHERE sku_code = ? FOR UPDATE',
      [sku],
    );
    const { inv_id: invId, qty_on_hand: before } = rows[0] as { inv_id: number; qty_on_hand: number };
    await wms.query(
      `INSERT INTO itx_transaction (txn_type, whse_code, sku_code, loc_id, qty, ref_doc, ref_line, user_id)
       SELECT 'RCPT', 'DC01', sku_code, loc_id, 24, ?, 1, 'RF-GUN-07' FROM inv_inventory WHERE inv_id = ?`,
      [ref, invId],
    );
    await wms.query('UPDATE inv_inventory SET qty_on_hand = qty_on_hand + 24, upd_user = ? WHERE inv_id = ?', ['RF-GUN-07', invId]);
    const committedAt = Date.now();
    await wms.commit();

    const txn = await watcher.waitFor(
      (r) => r.topic === TOPICS.wmsTransactions && after(r)?.ref_doc === ref,
      WITHIN_MS,
      'WMS transaction event',
    );
    const t = envelope(txn);
    expect(t.op).toBe('c');
    expect(t.after).toMatchObject({ txn_type: 'RCPT', sku_code: sku, qty: 24, user_id: 'RF-GUN-07' });
    expect(t.source).toMatchObject({ connector: 'mariadb', name: 'wms', db: 'wms', table: 'itx_transaction' });
    expect(typeof t.source.file).toBe('string');
    expect(typeof t.source.pos).toBe('number');

    const inv = await watcher.waitFor(
      (r) => r.topic === TOPICS.wmsInventory && after(r)?.inv_id === invId,
      WITHIN_MS,
      'WMS inventory event',
    );
    const i = envelope(inv);
    expect(i.op).toBe('u');
    expect(i.before).toMatchObject({ qty_on_hand: before, sku_code: sku });
    expect(i.after).toMatchObject({ qty_on_hand: before + 24, upd_user: 'RF-GUN-07' });
    expect(Math.max(txn.receivedAt, inv.receivedAt) - committedAt).toBeLessThan(WITHIN_MS);
  });

  it('captures a delete with its before image, followed by a tombstone', async () => {
    const docNo = `DEL${randomUUID().slice(0, 12).toUpperCase()}`;
    await erp.query(
      `INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "USRID") VALUES ($1, 'DC01', 'RCV', 5, $2, 'JSMITH')`,
      [randomSku(), docNo],
    );
    await erp.query(`DELETE FROM "ERPADM"."STKJRNL" WHERE "DOCNO" = $1`, [docNo]);
    const deleted = await watcher.waitFor(
      (r) => r.topic === TOPICS.erpStockJournal && (r.value as Envelope | null)?.op === 'd' && envelope(r).before?.DOCNO === docNo,
      WITHIN_MS,
      'ERP delete event',
    );
    expect(envelope(deleted).after).toBeNull();
    const key = deleted.message.key!.toString();
    await watcher.waitFor(
      (r) => r.topic === TOPICS.erpStockJournal && r.value === null && r.message.key?.toString() === key,
      WITHIN_MS,
      'tombstone',
    );
  });
});
