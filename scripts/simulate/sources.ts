import mysql from 'mysql2/promise';
import { Pool } from 'pg';
import { DependencyError } from '../../core/errors';
import type { SimulationConfig } from './config';

export interface TillSale {
  store: string;
  sku: string;
  quantity: number;
}

/**
 * Where the simulated day's movements enter, each through the real front door of its system:
 * the tills (through their store agent, or straight to the PDV ingest), Shopify orders (the
 * emulator's storefront), DC receipts and picks in the WMS database, adjustments in the ERP's
 * journal. Nothing is written into the hub directly.
 */
export class TradingSources {
  private readonly erp: Pool;
  private readonly wms: mysql.Pool;
  private readonly agents: Map<string, string>;
  private sequence = 0;

  constructor(
    private readonly config: SimulationConfig,
    private readonly runId: string,
  ) {
    this.erp = new Pool({ host: config.ERP_PG_HOST, port: config.ERP_PG_PORT, database: config.ERP_PG_DATABASE, user: config.ERP_PG_USER, password: config.ERP_PG_PASSWORD, max: 2 });
    this.wms = mysql.createPool({ host: config.WMS_DB_HOST, port: config.WMS_DB_PORT, database: config.WMS_DB_DATABASE, user: config.WMS_DB_USER, password: config.WMS_DB_PASSWORD, connectionLimit: 2 });
    this.agents = new Map(
      config.SIM_AGENT_STORES.split(',')
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    );
  }

  private nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}-${this.runId}-${this.sequence}`;
  }

  /** One store's sales of a tick, as its tills would post them (one receipt). */
  async tillSales(store: string, sales: TillSale[]): Promise<void> {
    const receipt = this.nextId(`R${store}`);
    const body = sales.map((sale, line) => ({ id: this.nextId(`T${store}`), type: 'SALE', sku: sale.sku, quantity: sale.quantity, occurredAt: new Date().toISOString(), till: 'T01', receipt, line }));
    const agent = this.agents.get(store);
    const url = agent ? `${agent}/sales` : `${this.config.SIM_INGEST_URL}/v1/stores/${store}/movements`;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(agent ? {} : { authorization: `Bearer dev-token-${store}` }) };
    await post(url, headers, body, agent ? 'store agent' : 'PDV ingest');
  }

  /** A web order taken by Shopify: it sends orders/create to the hub like the real shop. */
  async webOrder(sku: string, quantity: number): Promise<void> {
    await post(`${this.config.SIM_SHOPIFY_EMULATOR_URL}/_emulator/orders`, { 'content-type': 'application/json' }, { lines: [{ sku, quantity }] }, 'Shopify emulator');
  }

  /** A DC receipt (positive) or pick (negative) booked in the WMS. */
  async dcMovement(sku: string, delta: number): Promise<void> {
    await this.wms.query('UPDATE inv_inventory SET qty_on_hand = GREATEST(0, qty_on_hand + ?), upd_user = ?, upd_ts = NOW(3) WHERE sku_code = ?', [delta, 'SIMDAY', sku]);
  }

  /** A stock adjustment keyed in the ERP (damage, shrinkage, found stock). */
  async erpAdjustment(sku: string, branch: string, delta: number): Promise<void> {
    await this.erp.query(`INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "USRID", "RMK") VALUES ($1, $2, 'ADJ', $3, $4, 'SIMDAY', 'simulated adjustment')`, [
      sku,
      branch,
      delta,
      this.nextId('ADJ').slice(0, 20),
    ]);
  }

  async close(): Promise<void> {
    await Promise.all([this.erp.end(), this.wms.end()]);
  }
}

async function post(url: string, headers: Record<string, string>, body: unknown, what: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (cause) {
    throw new DependencyError(`${what} at ${url} unreachable`, what, { cause });
  }
  if (!response.ok) throw new DependencyError(`${what} answered ${response.status}: ${(await response.text()).slice(0, 200)}`, what, { retriable: response.status >= 500 });
}
