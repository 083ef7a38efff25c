import { balanceQuery, BalanceView } from '../../../../hub/ops/report/balance-view';
import { loadBalanceTable, type BalanceTable } from '../../../../hub/ops/report/config';
import { MYSQL, ORACLE, POSTGRES, type SqlSource } from '../../../../hub/ops/report/sql-sources';

const erp = loadBalanceTable('ERP');
const wms = loadBalanceTable('WMS');

describe('the balance tables, as config/mappings maps them', () => {
  it('ERP: STKBAL, QTYOH per ITMCD and BRNCD', () => {
    expect(erp).toMatchObject({ table: 'ERPADM.STKBAL', columns: { sku: 'ITMCD', location: 'BRNCD', quantity: 'QTYOH' }, locations: {} });
  });

  it('WMS: inv_inventory, qty_on_hand per sku_code and whse_code', () => {
    expect(wms).toMatchObject({ table: 'wms.inv_inventory', columns: { sku: 'sku_code', location: 'whse_code', quantity: 'qty_on_hand' } });
  });
});

describe('balanceQuery', () => {
  it('is the same SQL on the PostgreSQL stand-in and on Oracle, but for the parameter markers', () => {
    const pg = balanceQuery(POSTGRES, erp, ['A', 'B'], ['S001']);
    expect(pg.sql).toBe(
      'SELECT "ITMCD", "BRNCD", SUM("QTYOH") FROM "ERPADM"."STKBAL" WHERE "ITMCD" IN ($1, $2) AND "BRNCD" IN ($3) GROUP BY "ITMCD", "BRNCD"',
    );
    expect(pg.params).toEqual(['A', 'B', 'S001']);
    expect(balanceQuery(ORACLE, erp, ['A', 'B'], ['S001']).sql).toBe(pg.sql.replace(/\$(\d)/g, ':$1'));
  });

  it('quotes MySQL identifiers with backticks and sums bins per warehouse', () => {
    expect(balanceQuery(MYSQL, wms, ['A'], ['DC01']).sql).toBe(
      'SELECT `sku_code`, `whse_code`, SUM(`qty_on_hand`) FROM `wms`.`inv_inventory` WHERE `sku_code` IN (?) AND `whse_code` IN (?) GROUP BY `sku_code`, `whse_code`',
    );
  });
});

describe('BalanceView', () => {
  const table: BalanceTable = { ...wms, locations: { WH1: 'DC01' } };
  function source(rows: unknown[][]): SqlSource & { queries: Array<{ sql: string; params: readonly unknown[] }> } {
    const queries: Array<{ sql: string; params: readonly unknown[] }> = [];
    return {
      queries,
      name: 'wms',
      dialect: MYSQL,
      rows: async (sql, params) => {
        queries.push({ sql, params });
        return sql.startsWith('SELECT DISTINCT') ? [['WH1'], ['WH2']] : rows;
      },
      close: async () => undefined,
    };
  }

  it('translates location codes both ways through the mapping, and reads quantities as numbers', async () => {
    const fake = source([['A', 'WH1', '12'], ['B', 'WH2', 3.5]]);
    const view = new BalanceView('wms', fake, table);
    expect(await view.locations(null)).toEqual(['DC01', 'WH2']);
    expect(await view.locations(['DC01', 'S001'])).toEqual(['DC01']);
    const reading = await view.read(['A', 'B'], ['DC01', 'WH2']);
    expect(fake.queries[1]!.params).toEqual(['A', 'B', 'WH1', 'WH2']);
    expect(Object.fromEntries(reading.values)).toEqual({ 'A@DC01': 12, 'B@WH2': 3.5 });
    expect(view.absentMeansZero).toBe(true);
  });

  it('asks for the covered locations once per run', async () => {
    const fake = source([]);
    const view = new BalanceView('wms', fake, table);
    await view.locations(null);
    await view.locations(['DC01']);
    expect(fake.queries.filter((q) => q.sql.startsWith('SELECT DISTINCT'))).toHaveLength(1);
  });
});
