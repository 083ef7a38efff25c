import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../../core/errors';
import { stockMovementSchema, type MovementDraft } from '../../../core/model';
import { decodeChangeEvent, loadMappings, mapChangeEvent, type ChangeEvent, type TopicRoute } from '../../../sinks/debezium';

const fixture = (name: string): ChangeEvent => {
  const decoded = decodeChangeEvent(readFileSync(join(__dirname, 'fixtures', `${name}.json`)));
  if (decoded.kind !== 'change') throw new Error('fixture is a tombstone');
  return decoded.event;
};
const routes = loadMappings();
const route = (topic: string): TopicRoute => routes.get(topic)!;
const raw = (topic: string, offset = '42') => ({ topic, partition: 3, offset });

/** What the publisher will do to every draft: stamp the envelope fields, then validate. */
const asEvent = (draft: MovementDraft) =>
  stockMovementSchema.parse({ ...draft, schema: 'stock.movement.v1', ingestedAt: '2026-11-29T12:00:00.000Z' });

describe('ERP journal (Oracle LogMiner shape)', () => {
  const { source, table } = route('erp.ERPADM.STKJRNL');

  it('maps an insert with a VariableScaleDecimal quantity to a SALE with its audit trail', () => {
    const [draft, ...rest] = mapChangeEvent(source, table, fixture('oracle-journal-insert'), raw('erp.ERPADM.STKJRNL'));
    expect(rest).toEqual([]);
    const event = asEvent(draft!);
    expect(event).toMatchObject({
      type: 'SALE',
      sku: '10004711',
      locationId: 'S007',
      quantity: -1,
      occurredAt: new Date(1795946100000).toISOString(),
      actor: 'CAIXA03',
      reason: 'SAL',
      correlationId: 'T03-000184',
      source: {
        system: 'ERP',
        instance: 'erp-stock-cdc',
        ref: { document: 'T03-000184', line: '2', entity: 'ERPADM.STKJRNL' },
        position: 'scn:2390543:0x0000a1.0001b0b8.0010:0',
        raw: { topic: 'erp.ERPADM.STKJRNL', partition: 3, offset: '42' },
      },
    });
  });

  it('gives a re-delivered change the same event id, wherever it lands in Kafka', () => {
    const event = fixture('oracle-journal-insert');
    const first = mapChangeEvent(source, table, event, raw('erp.ERPADM.STKJRNL', '42'))[0]!;
    const again = mapChangeEvent(source, table, event, raw('erp.ERPADM.STKJRNL', '9001'))[0]!;
    expect(again.eventId).toBe(first.eventId);
    const other = { ...event, source: { ...event.source, scn: '2390544' } };
    expect(mapChangeEvent(source, table, other, raw('erp.ERPADM.STKJRNL'))[0]!.eventId).not.toBe(first.eventId);
  });

  it('refuses an unknown movement type code with a reason naming the column', () => {
    const event = fixture('oracle-journal-insert');
    event.after = { ...event.after, MVTTYP: 'XFR' };
    expect(() => mapChangeEvent(source, table, event, raw('erp.ERPADM.STKJRNL'))).toThrow(
      new InvalidInputError("MVTTYP 'XFR' has no mapping in typeCodes", 'MVTTYP'),
    );
  });

  it('maps a CNT row to a COUNT and a deleted row to a reversing ADJUSTMENT', () => {
    const event = fixture('postgres-journal-insert');
    event.after = { ...event.after, MVTTYP: 'CNT', QTY: '17.000' };
    expect(asEvent(mapChangeEvent(source, table, event, raw('erp.ERPADM.STKJRNL'))[0]!)).toMatchObject({ type: 'COUNT', countedQuantity: 17 });

    const deleted = fixture('postgres-journal-insert');
    deleted.op = 'd';
    deleted.before = deleted.after;
    deleted.after = null;
    const [reversal] = mapChangeEvent(source, table, deleted, raw('erp.ERPADM.STKJRNL'));
    expect(asEvent(reversal!)).toMatchObject({ type: 'ADJUSTMENT', quantity: 2, reason: 'reversal of deleted journal row: ADJ: found in back room' });
  });

  it('skips the journal snapshot and a remark-only edit, but refuses a changed quantity', () => {
    const snapshot = { ...fixture('postgres-journal-insert'), op: 'r' as const };
    expect(mapChangeEvent(source, table, snapshot, raw('erp.ERPADM.STKJRNL'))).toEqual([]);
    const edit = fixture('postgres-journal-insert');
    edit.op = 'u';
    edit.before = edit.after;
    edit.after = { ...edit.after, RMK: 'typo fixed' };
    expect(mapChangeEvent(source, table, edit, raw('erp.ERPADM.STKJRNL'))).toEqual([]);
    edit.after = { ...edit.after, QTY: '-3.000' };
    expect(() => mapChangeEvent(source, table, edit, raw('erp.ERPADM.STKJRNL'))).toThrow(/journal row changed after insert \(QTY\)/);
  });

  it('moves no stock for a row the hub wrote back itself (no echo loop)', () => {
    const event = fixture('postgres-journal-insert');
    event.after = { ...event.after, USRID: 'STOCKHUB', RMK: 'HUB:pdv-4KC713CRzyvVZEUemw6Exn9SwoUie2WU' };
    expect(mapChangeEvent(source, table, event, raw('erp.ERPADM.STKJRNL'))).toEqual([]);
  });

  it('refuses an event whose table does not match the topic mapping', () => {
    const event = fixture('postgres-journal-insert');
    event.source = { ...event.source, table: 'STKBAL' };
    expect(() => mapChangeEvent(source, table, event, raw('erp.ERPADM.STKJRNL'))).toThrow(/mapped to ERPADM.STKJRNL/);
  });
});

describe('ERP balance (Oracle, precise decimals)', () => {
  const { source, table } = route('erp.ERPADM.STKBAL');

  it('turns a snapshot read into an opening COUNT, reading base64 Decimal bytes at the declared scale', () => {
    const withScale = { ...table, decimalScales: { QTYOH: 3 } };
    const [draft] = mapChangeEvent(source, withScale, fixture('oracle-balance-snapshot'), raw('erp.ERPADM.STKBAL'));
    expect(asEvent(draft!)).toMatchObject({ type: 'COUNT', countedQuantity: 48, locationId: 'S007', actor: 'BATCH' });
  });

  it('ignores balance updates, since the journal carries those movements', () => {
    const event = fixture('oracle-balance-snapshot');
    event.op = 'u';
    event.before = { ...event.after, QTYOH: '10.000' };
    event.after = { ...event.after, QTYOH: '9.000' };
    expect(mapChangeEvent(source, table, event, raw('erp.ERPADM.STKBAL'))).toEqual([]);
  });
});

describe('WMS balance (MySQL/MariaDB binlog shape)', () => {
  const { source, table } = route('wms.wms.inv_inventory');

  it('turns an update into a delta (after - before) with the binlog position', () => {
    const [draft] = mapChangeEvent(source, table, fixture('mysql-inventory-update'), raw('wms.wms.inv_inventory'));
    expect(asEvent(draft!)).toMatchObject({
      type: 'ADJUSTMENT',
      sku: '10004711',
      locationId: 'DC01',
      quantity: 24,
      actor: 'RF-GUN-07',
      correlationId: '5000012',
      source: { system: 'WMS', instance: 'wms-stock-cdc', position: 'wms-bin.000003:918272:0', ref: { entity: 'wms.inv_inventory' } },
    });
  });

  it('emits nothing for an update that does not change the quantity, and a negative delta for a delete', () => {
    const same = fixture('mysql-inventory-update');
    same.after = { ...same.after, qty_on_hand: 120 };
    expect(mapChangeEvent(source, table, same, raw('wms.wms.inv_inventory'))).toEqual([]);
    const deleted = fixture('mysql-inventory-update');
    deleted.op = 'd';
    deleted.after = null;
    expect(mapChangeEvent(source, table, deleted, raw('wms.wms.inv_inventory'))[0]).toMatchObject({ quantity: -120 });
  });

  it('names the missing column when a row lacks a mapped one', () => {
    const event = fixture('mysql-inventory-update');
    const { sku_code: _dropped, ...after } = event.after!;
    event.after = after;
    expect(() => mapChangeEvent(source, table, event, raw('wms.wms.inv_inventory'))).toThrow('column sku_code is missing from the row');
  });
});
