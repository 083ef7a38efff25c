/**
 * The Debezium sink on the live stack: real rows in the ERP and WMS stand-ins become canonical
 * movements; bad rows become dead letters and the worker keeps going; a SIGKILLed sink
 * re-delivers with identical event ids. The sink runs as its own process.
 */
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { fromDeadLetterMessage } from '../../core/dlq';
import type { StockMovement } from '../../core/model';
import { TOPICS } from '../../core/topics';
import { stack, TopicWatcher, type Received } from '../support/kafka';
import { startService, type Service } from '../support/services';

const PORT = 18090;
const WITHIN_MS = 5_000;
const group = `it-sink-debezium-${randomUUID()}`;
const sinkEnv = { SINK_HTTP_PORT: String(PORT), SINK_DEBEZIUM_GROUP: group, SINK_SHOPIFY_GROUP: `${group}-shopify`, SINK_START_FROM: 'latest' };
const movement = (r: Received): StockMovement => r.value as StockMovement;
const randomSku = (): string => String(10_000_001 + Math.floor(Math.random() * 50_000));

describe('Debezium sink', () => {
  let sink: Service;
  let watcher: TopicWatcher;
  let erp: Client;
  let wms: mysql.Connection;

  const journal = (sku: string, type: string, qty: number, docNo: string, branch = 'S004') =>
    erp.query(
      `INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "DOCLN", "USRID", "TRNDT", "RMK")
       VALUES ($1, $2, $3, $4, $5, 1, 'MSILVA', TIMESTAMP '2026-11-29 09:30:00', 'it')`,
      [sku, branch, type, qty, docNo],
    );

  beforeAll(async () => {
    watcher = new TopicWatcher('sink-debezium', [TOPICS.movements, TOPICS.movementsDlq]);
    await watcher.start();
    // Healthy means joined: from here on the sink sees everything the test writes.
    sink = await startService('sink-debezium', 'sinks/main.ts', PORT, sinkEnv);
    erp = new Client({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD });
    await erp.connect();
    wms = await mysql.createConnection({ host: stack.WMS_DB_HOST, port: stack.WMS_DB_PORT, database: stack.WMS_DB_DATABASE, user: stack.WMS_DB_USER, password: stack.WMS_DB_PASSWORD });
  });

  afterAll(async () => {
    await sink?.stop();
    await watcher.stop();
    await erp.end();
    await wms.end();
  });

  it('turns an ERP journal insert into a canonical SALE with its audit trail within 5 s', async () => {
    const sku = randomSku();
    const docNo = `TK${randomUUID().slice(0, 10)}`;
    const committedAt = Date.now();
    await journal(sku, 'SAL', -3, docNo);
    const got = await watcher.waitFor((r) => r.topic === TOPICS.movements && movement(r).source?.ref.document === docNo, WITHIN_MS, 'canonical ERP sale');
    const event = movement(got);
    expect(got.message.key!.toString()).toBe(sku);
    expect(event).toMatchObject({
      schema: 'stock.movement.v1',
      type: 'SALE',
      sku,
      locationId: 'S004',
      quantity: -3,
      occurredAt: '2026-11-29T09:30:00.000Z',
      actor: 'MSILVA',
      reason: 'SAL: it',
      correlationId: docNo,
      source: { system: 'ERP', instance: 'erp-stock-cdc', ref: { document: docNo, line: '1', entity: 'ERPADM.STKJRNL' }, raw: { topic: TOPICS.erpStockJournal } },
    });
    expect(event.source.position).toMatch(/^lsn:\d+$/);
    expect(got.receivedAt - committedAt).toBeLessThan(WITHIN_MS);
  });

  it('turns a WMS balance update into a delta within 5 s', async () => {
    const sku = randomSku();
    const [rows] = await wms.query<mysql.RowDataPacket[]>('SELECT inv_id FROM inv_inventory WHERE sku_code = ?', [sku]);
    const user = `IT${randomUUID().slice(0, 8)}`;
    const committedAt = Date.now();
    await wms.query('UPDATE inv_inventory SET qty_on_hand = qty_on_hand - 5, upd_user = ?, upd_ts = NOW(3) WHERE inv_id = ?', [user, rows[0]!.inv_id]);
    const got = await watcher.waitFor((r) => r.topic === TOPICS.movements && movement(r).actor === user, WITHIN_MS, 'canonical WMS delta');
    expect(movement(got)).toMatchObject({ type: 'ADJUSTMENT', sku, locationId: 'DC01', quantity: -5, source: { system: 'WMS', instance: 'wms-stock-cdc' } });
    expect(movement(got).source.position).toMatch(/^wms-bin\.\d+:\d+:\d+$/);
    expect(got.receivedAt - committedAt).toBeLessThan(WITHIN_MS);
  });

  it('dead-letters an unmappable row with its reason and original bytes, and keeps going', async () => {
    const bad = `BAD${randomUUID().slice(0, 10)}`;
    const good = `OK${randomUUID().slice(0, 10)}`;
    await journal(randomSku(), 'ZZZ', 1, bad);
    await journal(randomSku(), 'RCV', 4, good);
    const dead = await watcher.waitFor(
      (r) => r.topic === TOPICS.movementsDlq && String(r.message.value).includes(bad),
      WITHIN_MS,
      'dead letter',
    );
    const letter = fromDeadLetterMessage(dead.message);
    expect(letter).toMatchObject({ reason: "MVTTYP 'ZZZ' has no mapping in typeCodes", field: 'MVTTYP', stage: 'map', source: { topic: TOPICS.erpStockJournal } });
    expect(Number(letter.source.offset)).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(letter.value!.toString()).after.DOCNO).toBe(bad);
    await watcher.waitFor((r) => r.topic === TOPICS.movements && movement(r).source?.ref.document === good, WITHIN_MS, 'the next good row');
  });

  it('re-delivers with identical event ids after a SIGKILL mid-stream', async () => {
    const run = randomUUID().slice(0, 8);
    const docs = Array.from({ length: 300 }, (_, i) => `RS${run}-${i}`);
    const writing = (async () => {
      for (const doc of docs) await journal(randomSku(), 'RCV', 1, doc, 'DC01');
    })();
    await watcher.waitFor((r) => r.topic === TOPICS.movements && movement(r).source?.ref.document === docs[60], 20_000, 'first part of the stream');
    await sink.kill();
    sink = await startService('sink-debezium', 'sinks/main.ts', PORT, sinkEnv);
    await writing;

    const wanted = new Set(docs);
    const idsByDoc = new Map<string, Set<string>>();
    const collect = (): void => {
      idsByDoc.clear();
      for (const r of watcher.all()) {
        const doc = r.topic === TOPICS.movements ? movement(r).source?.ref.document : undefined;
        if (doc && wanted.has(doc)) idsByDoc.set(doc, (idsByDoc.get(doc) ?? new Set()).add(movement(r).eventId));
      }
    };
    // Partitions interleave freely, so wait for every document rather than for the last one.
    for (let waited = 0; waited < 30_000 && idsByDoc.size < docs.length; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      collect();
    }
    expect(docs.filter((doc) => !idsByDoc.has(doc))).toEqual([]);
    expect([...idsByDoc.values()].filter((ids) => ids.size !== 1)).toEqual([]);
  });
});
