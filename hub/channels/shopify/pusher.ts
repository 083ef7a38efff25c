import { createHash } from 'node:crypto';
import { StockHubError } from '../../../core/errors';
import type { Logger } from '../../../core/logging';
import { backoffDelay } from '../../../core/retry';
import { documents, inventoryItemGid, locationGid, ShopifyQueryError, type AdminResult, type EchoMarks } from '../../../core/shopify';
import { CircuitOpenError, type ShopifyCaller } from './caller';
import type { ItemMap } from './item-map';
import type { ChannelMetrics } from './metrics';
import { ROW_FAILURE_DEFAULTS } from './config';
import type { DueRow, PushStore, RowFailurePolicy } from './push-store';

export interface PusherOptions {
  mode: 'live' | 'shadow';
  /** Quantities per call (<= 250). */
  batch: number;
  /**
   * Calls in flight at once while more than one call's worth is due (the backlog after an
   * outage); one while the circuit is not closed.
   */
  concurrency: number;
  /** Wait after a change before a push, so that changes close together share a call, in ms. */
  coalesceMs: number;
  /** Wait before writing over Shopify's value after a lost compare-and-set, in ms. */
  staleRetryMs: number;
  /** First and longest retry delay after a failed cycle, in ms. */
  backoffMs: number;
  backoffMaxMs: number;
  /**
   * Rows Shopify refuses for a reason not known here: attempts before parking and the wait
   * between them. Default ROW_FAILURE_DEFAULTS (config.ts): 5 attempts, 1 s doubled up to 60 s.
   */
  rowFailure?: RowFailurePolicy;
}

interface SetResult {
  inventorySetQuantities: {
    inventoryAdjustmentGroup: { id: string } | null;
    userErrors: Array<{ code: string | null; field: string[] | null; message: string }>;
  };
}

/** Shopify refused a call for a reason that is not the rows' (a request still in flight). */
export class ShopifyRejectedError extends StockHubError {}

type UserError = SetResult['inventorySetQuantities']['userErrors'][number];

/** A quantity Shopify will never accept as it is: set aside until its level changes. */
const PERMANENT = new Set(['INVALID_INVENTORY_ITEM', 'INVALID_LOCATION', 'ITEM_NOT_STOCKED_AT_LOCATION', 'NON_MUTABLE_INVENTORY_ITEM', 'INVALID_QUANTITY_TOO_HIGH', 'INVALID_QUANTITY_TOO_LOW', 'INVALID_QUANTITY_NEGATIVE']);
const STALE = new Set(['CHANGE_FROM_QUANTITY_STALE', 'COMPARE_QUANTITY_STALE']);
/** Refusals of the whole call that say nothing about its rows: retried as they are, never counted. */
const NOT_THE_ROWS = new Set(['IDEMPOTENCY_CONCURRENT_REQUEST']);
/** Cost of one inventorySetQuantities call in points (a mutation costs 10 whatever its size). */
const SET_COST = 10;
const IDLE_POLL_MS = 1_000;
/** How often the parked gauge is re-read (the CLI un-parks from another process). */
const PARKED_GAUGE_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pushes the due rows of shopify_push to Shopify, oldest first, up to 250 quantities a call:
 * each with the last value the channel set there as compare-and-set base and a content-derived
 * idempotency key, after marking it as the hub's own (no echo). A row whose compare-and-set is
 * lost takes Shopify's current value as its new base and waits a little for the order that
 * explains the difference; rows Shopify refuses for good are set aside with their reason.
 *
 * One bad row never holds up the queue: a row Shopify refuses for a reason not known here waits
 * its own backoff and is parked after `rowFailure.maxAttempts`, while the call's other rows are
 * pushed at once; a refusal of a whole call is narrowed down by halving the call. A failure that
 * is not the rows' (network, 5xx, throttling, circuit open) retries the cycle and counts nothing.
 */
export class Pusher {
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private parkedReadAt = 0;
  private readonly rowFailure: RowFailurePolicy;

  constructor(
    private readonly store: PushStore,
    private readonly items: ItemMap,
    private readonly caller: ShopifyCaller,
    private readonly echo: EchoMarks,
    /** Hub location -> Shopify location id (decimal). */
    private readonly shopifyLocationOf: ReadonlyMap<string, string>,
    private readonly metrics: ChannelMetrics,
    private readonly logger: Logger,
    private readonly options: PusherOptions,
  ) {
    this.rowFailure = options.rowFailure ?? ROW_FAILURE_DEFAULTS;
  }

  /** Pushes until stop(); may be started again after it (an instance that leads again). */
  start(): void {
    if (this.loop !== null) return;
    this.stopped = false;
    this.loop = this.run().finally(() => (this.loop = null));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** New wanted values were stored. */
  notify(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      await this.refreshParked();
      try {
        const handled = await this.cycle();
        failures = 0;
        if (handled === 0) await this.idle();
      } catch (error) {
        if (error instanceof CircuitOpenError) {
          await sleep(Math.max(50, error.waitMs));
          continue;
        }
        failures += 1;
        const delay = backoffDelay(failures, { initialMs: this.options.backoffMs, maxMs: this.options.backoffMaxMs, factor: 2 });
        this.logger.warn({ err: error, retryInMs: delay, failures }, 'Shopify push failed; retrying');
        await sleep(delay);
      }
    }
  }

  private async refreshParked(force = false): Promise<void> {
    if (!force && Date.now() - this.parkedReadAt < PARKED_GAUGE_MS) return;
    this.parkedReadAt = Date.now();
    try {
      this.metrics.parked.set(await this.store.parkedCount());
    } catch (error) {
      this.logger.debug({ err: error }, 'parked rows not counted; next time');
    }
  }

  private async idle(): Promise<void> {
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), IDLE_POLL_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.wake = null;
    if (woken && this.options.coalesceMs > 0) await sleep(this.options.coalesceMs);
  }

  /** Up to `concurrency` calls' worth of due rows; returns how many rows it handled. */
  private async cycle(): Promise<number> {
    const width = this.caller.circuitClosed ? this.options.concurrency : 1;
    const rows = await this.store.due(this.options.batch * width);
    if (rows.length === 0) return 0;
    const unknown = rows.filter((r) => r.inventoryItemId === null);
    if (unknown.length > 0) {
      const ids = await this.items.resolve(unknown.map((r) => r.sku));
      for (const row of unknown) row.inventoryItemId = ids.get(row.sku) ?? null;
    }
    const unsold = rows.filter((r) => r.inventoryItemId === null || !this.shopifyLocationOf.has(r.locationId));
    if (unsold.length > 0) {
      await this.store.markFailed(unsold, 'not sold in Shopify (no inventory item for the SKU, or no Shopify location)', true);
      for (const row of unsold) this.logger.debug({ sku: row.sku, locationId: row.locationId }, 'not in Shopify; not pushed');
    }
    const ready = rows.filter((r) => !unsold.includes(r));
    if (this.options.mode === 'shadow') await this.shadow(ready);
    else if (ready.length > 0) await this.pushAll(ready);
    return rows.length;
  }

  /**
   * One call per `batch` rows, all in flight together: the rows are disjoint levels, each with its
   * own compare-and-set base. The cycle ends once every call has settled, so a failure is retried
   * from the queue's state and not beside calls still running.
   */
  private async pushAll(rows: DueRow[]): Promise<void> {
    const calls: Array<Promise<void>> = [];
    for (let i = 0; i < rows.length; i += this.options.batch) calls.push(this.push(rows.slice(i, i + this.options.batch)));
    const failed = (await Promise.allSettled(calls)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async shadow(rows: DueRow[]): Promise<void> {
    for (const row of rows) {
      this.logger.info({ sku: row.sku, locationId: row.locationId, wouldSet: row.wanted, shopifyBase: row.pushed, version: row.wantedVersion }, 'shadow: would set in Shopify');
    }
    this.metrics.shadow.inc(rows.length);
    await this.store.markShadowed(rows);
  }

  private writesOf(rows: DueRow[]): Array<{ inventoryItemId: string; locationId: string; quantity: number }> {
    return rows.map((r) => ({ inventoryItemId: r.inventoryItemId!, locationId: this.shopifyLocationOf.get(r.locationId)!, quantity: r.wanted }));
  }

  private async push(rows: DueRow[]): Promise<void> {
    const writes = this.writesOf(rows);
    const input = {
      name: 'available',
      reason: 'correction',
      quantities: writes.map((w, i) => ({ inventoryItemId: inventoryItemGid(w.inventoryItemId), locationId: locationGid(w.locationId), quantity: w.quantity, changeFromQuantity: rows[i]!.pushed })),
    };
    // Same write, same key: a retry after a lost answer cannot apply the batch twice. The level
    // versions make it a new key when a level comes back to a value and base it had before
    // (sold, returned, sold again): Shopify would answer that with the stored result of the first
    // time and apply nothing. A row's refusals move on with each definite refusal, so its next try
    // is not answered with the refusal Shopify stored under the old key.
    const idempotencyKey = createHash('sha256')
      .update(JSON.stringify({ input, versions: rows.map((r) => r.wantedVersion), refusals: rows.map((r) => r.refusals) }))
      .digest('hex')
      .slice(0, 48);
    await this.echo.mark(writes);
    // When the answer is lost, whether Shopify applied the call is unknown: the marks stay, and
    // the retry carries the same key, so Shopify answers it without applying it twice.
    let result: AdminResult<SetResult>;
    try {
      result = await this.caller.call<SetResult>('inventorySetQuantities', documents.SET_QUANTITIES, { input, idempotencyKey }, SET_COST);
    } catch (error) {
      // Shopify answered, and refused the document for what it carries: one of its quantities.
      if (!(error instanceof ShopifyQueryError)) throw error;
      await this.echo.unmark(writes);
      await this.refuseCall(rows, error.message);
      return;
    }
    const { userErrors } = result.data.inventorySetQuantities;
    if (userErrors.length === 0) {
      await this.store.markPushed(rows);
      const now = Date.now();
      for (const row of rows) {
        this.metrics.latency.observe({ channel: 'shopify' }, (now - row.wantedAt.getTime()) / 1000);
        this.logger.debug({ sku: row.sku, locationId: row.locationId, quantity: row.wanted, version: row.wantedVersion }, 'set in Shopify');
      }
      this.metrics.quantitiesPushed.inc(rows.length);
      this.logger.info({ quantities: rows.length, idempotencyKey }, 'pushed to Shopify');
      return;
    }
    // inventorySetQuantities is atomic: nothing of this call was applied.
    await this.echo.unmark(writes);
    await this.settleUserErrors(rows, userErrors);
  }

  /**
   * The rows not named by any user error stay due and go in the next cycle's calls, without the
   * rows named here: those are re-based, set aside or waiting.
   */
  private async settleUserErrors(rows: DueRow[], userErrors: UserError[]): Promise<void> {
    const stale: DueRow[] = [];
    const refused = new Map<string, DueRow[]>();
    const unknown = new Map<DueRow, string>();
    const unattributed: UserError[] = [];
    for (const error of userErrors) {
      const index = error.field?.[0] === 'input' && error.field[1] === 'quantities' ? Number(error.field[2]) : NaN;
      const row = rows[index];
      const code = error.code ?? '';
      if (row === undefined) unattributed.push(error);
      else if (STALE.has(code)) stale.push(row);
      else if (PERMANENT.has(code)) refused.set(code, [...(refused.get(code) ?? []), row]);
      else unknown.set(row, `Shopify: ${code || 'no code'} ${error.message}`);
    }
    if (stale.length + refused.size + unknown.size === 0) {
      const notTheRows = unattributed.find((e) => NOT_THE_ROWS.has(e.code ?? ''));
      if (notTheRows) throw new ShopifyRejectedError(`Shopify refused the push for now: ${notTheRows.code} ${notTheRows.message}`, { retriable: true });
      await this.refuseCall(rows, `Shopify refused the call: ${unattributed.map((e) => `${e.code ?? 'no code'} ${e.message}`).join('; ')}`);
      return;
    }
    // A refusal of the call beside refusals of rows: the rows explain it; the rest is tried again.
    for (const [row, reason] of unknown) await this.refuseRows([row], reason);
    for (const [code, refusedRows] of refused) {
      this.metrics.rejected.inc({ code }, refusedRows.length);
      await this.store.markFailed(refusedRows, `Shopify: ${code}`, true);
      for (const row of refusedRows) this.logger.warn({ sku: row.sku, locationId: row.locationId, code }, 'Shopify refused the quantity; set aside until the level changes');
    }
    if (stale.length > 0) {
      this.metrics.conflicts.inc(stale.length);
      const actual = await this.readActual(stale);
      await this.store.markConflict(stale.map((r) => ({ sku: r.sku, locationId: r.locationId, actual: actual.get(`${r.inventoryItemId}@${this.shopifyLocationOf.get(r.locationId)}`) ?? null })), this.options.staleRetryMs);
      for (const row of stale) this.logger.info({ sku: row.sku, locationId: row.locationId, expected: row.pushed }, 'Shopify changed since the last push; re-based, waiting for the hub to hear why');
    }
  }

  /**
   * Shopify refused the call as a whole. One row: that row's attempt. More: each half goes on its
   * own, so the rows that are fine reach Shopify and a bad one is found in log2(batch) steps.
   */
  private async refuseCall(rows: DueRow[], reason: string): Promise<void> {
    if (rows.length === 1) {
      await this.refuseRows(rows, reason);
      return;
    }
    this.logger.warn({ quantities: rows.length, reason }, 'Shopify refused a call as a whole; halving it to find the row');
    const middle = Math.ceil(rows.length / 2);
    await this.push(rows.slice(0, middle));
    await this.push(rows.slice(middle));
  }

  /** One refused attempt of these rows: they wait their backoff, or are parked. */
  private async refuseRows(rows: DueRow[], reason: string): Promise<void> {
    const outcomes = await this.store.recordRefusal(rows, reason, this.rowFailure);
    for (const outcome of outcomes) {
      this.metrics.refused.inc({ outcome: outcome.parked ? 'parked' : 'waiting' });
      const fields = { sku: outcome.sku, locationId: outcome.locationId, attempts: outcome.attempts, reason };
      if (outcome.parked) this.logger.error(fields, 'Shopify keeps refusing the quantity; parked (stockhub-shopify-parked retry)');
      else this.logger.warn({ ...fields, maxAttempts: this.rowFailure.maxAttempts }, 'Shopify refused the quantity; it waits, the others go on');
    }
    if (outcomes.some((o) => o.parked)) await this.refreshParked(true);
  }

  /** Shopify's current available per item@location (decimal ids), read per location. */
  private async readActual(rows: DueRow[]): Promise<Map<string, number>> {
    type Levels = { nodes: Array<{ legacyResourceId: string; inventoryLevel: { quantities: Array<{ name: string; quantity: number }> } | null } | null> };
    const itemsAt = new Map<string, Set<string>>();
    for (const row of rows) {
      const location = this.shopifyLocationOf.get(row.locationId)!;
      itemsAt.set(location, (itemsAt.get(location) ?? new Set()).add(row.inventoryItemId!));
    }
    const actual = new Map<string, number>();
    for (const [location, items] of itemsAt) {
      const ids = [...items];
      for (let i = 0; i < ids.length; i += documents.ITEM_LEVELS_AT_MAX) {
        const chunk = ids.slice(i, i + documents.ITEM_LEVELS_AT_MAX);
        const variables = { ids: chunk.map(inventoryItemGid), locationId: locationGid(location) };
        const result = await this.caller.call<Levels>('inventoryItemLevelsAt', documents.ITEM_LEVELS_AT, variables, chunk.length * documents.ITEM_LEVELS_AT_COST);
        for (const item of result.data.nodes) {
          const available = item?.inventoryLevel?.quantities.find((q) => q.name === 'available');
          if (item && available) actual.set(`${item.legacyResourceId}@${location}`, available.quantity);
        }
      }
    }
    return actual;
  }
}
