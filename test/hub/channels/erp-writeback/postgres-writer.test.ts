import type { Pool } from 'pg';
import type { InterfaceRow } from '../../../../hub/channels/erp-writeback/interface-rows';
import { PostgresInterfaceWriter } from '../../../../hub/channels/erp-writeback/postgres-writer';

const row = (n: number, document: string | null): InterfaceRow => ({
  hubEventId: `ev-${n}`,
  itemCode: '10004711',
  branchCode: 'S003',
  typeCode: 'SAL',
  quantity: -2,
  document,
  occurredAt: '2026-11-29T11:00:00+01:00',
});

function standIn(rowCount: number) {
  const query = jest.fn(async (_sql: string, _params?: unknown[]) => ({ rowCount }));
  return { query, writer: new PostgresInterfaceWriter({ query, end: jest.fn() } as unknown as Pick<Pool, 'query' | 'end'>) };
}

describe('the PostgreSQL interface writer (the ERP stand-in)', () => {
  it('still inserts the batch in one unnest statement, skipping event ids the table holds, TRNDT converted to UTC in SQL', async () => {
    const { query, writer } = standIn(1);
    await expect(writer.write([row(1, 'R1'), row(2, null)])).resolves.toBe(1);
    expect(query).toHaveBeenCalledTimes(1);
    const [sql, params] = query.mock.calls[0]!;
    expect(sql.replace(/\s+/g, ' ')).toBe(
      `INSERT INTO "ERPADM"."HUBIMP" ("HUBEVT", "ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "TRNDT") SELECT e, i, b, t, q, d, (o::timestamptz AT TIME ZONE 'UTC') FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[]) AS u(e, i, b, t, q, d, o) ON CONFLICT ("HUBEVT") DO NOTHING`,
    );
    expect(params).toEqual([
      ['ev-1', 'ev-2'],
      ['10004711', '10004711'],
      ['S003', 'S003'],
      ['SAL', 'SAL'],
      [-2, -2],
      ['R1', null],
      ['2026-11-29T11:00:00+01:00', '2026-11-29T11:00:00+01:00'],
    ]);
  });

  it('sends nothing for no rows, and answers ping with SELECT 1', async () => {
    const { query, writer } = standIn(1);
    await expect(writer.write([])).resolves.toBe(0);
    expect(query).not.toHaveBeenCalled();
    await expect(writer.ping()).resolves.toBe(true);
    expect(query).toHaveBeenCalledWith('SELECT 1');
  });
});
