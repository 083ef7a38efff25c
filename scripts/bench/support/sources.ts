/**
 * The three real entry points of a movement, written to as their systems do, each stamping the
 * bench's clock right after the source has committed: a till post answered 202 by the PDV ingest
 * (the events are in Kafka), an ERP journal INSERT committed in the ERP stand-in (autocommit), a
 * WMS inv_inventory UPDATE committed in the WMS stand-in.
 */
import mysql from 'mysql2/promise';
import { Pool } from 'pg';
import { stack } from '../../../test/support/kafka';

export type Source = 'PDV' | 'ERP' | 'WMS';

export interface Planned {
  i: number;
  source: Source;
  sku: string;
  location: string;
  /** Signed change of on-hand. */
  quantity: number;
  /** ERP movement type code (ERP only). */
  erpType?: 'ADJ' | 'DMG' | 'RCV';
  /** Bench clock when the post or statement was sent. */
  sent?: number;
  /** Bench clock right after the source committed. */
  commit?: number;
  error?: string;
}

export class Sources {
  /** PDV posts answered 202, and those sent again after a failure on the way. */
  posts = 0;
  retries = 0;

  private constructor(
    private readonly sinksUrl: string,
    private readonly run: string,
    private readonly erp: Pool,
    private readonly wms: mysql.Pool,
  ) {}

  static connect(sinksUrl: string, run: string): Sources {
    const erp = new Pool({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD, max: 4 });
    const wms = mysql.createPool({ host: stack.WMS_DB_HOST, port: stack.WMS_DB_PORT, database: stack.WMS_DB_DATABASE, user: stack.WMS_DB_USER, password: stack.WMS_DB_PASSWORD, connectionLimit: 4 });
    return new Sources(sinksUrl, run, erp, wms);
  }

  /** The ERP's balance per item and branch (what the hub holds after the initial snapshot). */
  async erpBalances(skus: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await this.erp.query<{ ITMCD: string; BRNCD: string; QTYOH: string }>('SELECT "ITMCD", "BRNCD", "QTYOH" FROM "ERPADM"."STKBAL" WHERE "ITMCD" = ANY($1::text[])', [skus]);
    return new Map(rows.map((r) => [`${r.ITMCD}@${r.BRNCD}`, Math.round(Number(r.QTYOH))]));
  }

  /**
   * One post per store with that store's sales and returns of the moment, as a store agent
   * forwards them; a post that fails on the way (a reused keep-alive socket the server closed,
   * a 5xx) is sent again with the same till ids, as the agent does, and commits on the 202.
   */
  async pdv(store: string, batch: Planned[]): Promise<void> {
    const body = JSON.stringify(
      batch.map((m) => ({ id: `E2E-${this.run}-${m.i}`, type: m.quantity < 0 ? 'SALE' : 'RETURN', sku: m.sku, quantity: Math.abs(m.quantity), occurredAt: new Date().toISOString(), till: 'T01', receipt: `R-${this.run}-${m.i}` })),
    );
    let failure = '';
    const sent = Date.now();
    for (const m of batch) m.sent = sent;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      try {
        const response = await fetch(`${this.sinksUrl}/v1/stores/${store}/movements`, { method: 'POST', headers: { authorization: `Bearer dev-token-${store}`, 'content-type': 'application/json' }, body });
        const at = Date.now();
        if (response.status === 202) {
          for (const m of batch) m.commit = at;
          this.posts++;
          this.retries += attempt;
          return;
        }
        failure = `PDV post answered ${response.status}: ${await response.text()}`;
        if (response.status < 500) break;
      } catch (error) {
        failure = `${String(error)} (${String((error as Error).cause ?? '')})`;
      }
    }
    for (const m of batch) m.error = failure;
  }

  async erpJournal(m: Planned): Promise<void> {
    m.sent = Date.now();
    try {
      await this.erp.query(`INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "DOCLN", "USRID") VALUES ($1, $2, $3, $4, $5, 1, 'BENCH')`, [
        m.sku,
        m.location,
        m.erpType,
        m.quantity,
        `E2E${this.run}-${m.i}`,
      ]);
      m.commit = Date.now();
    } catch (error) {
      m.error = String(error);
    }
  }

  async wmsInventory(m: Planned): Promise<void> {
    m.sent = Date.now();
    try {
      const [result] = await this.wms.execute<mysql.ResultSetHeader>(
        "UPDATE inv_inventory SET qty_on_hand = qty_on_hand + ?, last_txn_id = ?, upd_user = ?, upd_ts = NOW(3) WHERE whse_code = 'DC01' AND sku_code = ? ORDER BY inv_id LIMIT 1",
        [m.quantity, 900_000_000 + m.i, `e2e-${this.run}`, m.sku],
      );
      if (result.affectedRows !== 1) throw new Error(`inv_inventory: ${result.affectedRows} rows for ${m.sku}`);
      m.commit = Date.now();
    } catch (error) {
      m.error = String(error);
    }
  }

  async close(): Promise<void> {
    await this.erp.end();
    await this.wms.end();
  }
}
