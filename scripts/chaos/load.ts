/**
 * The steady mixed load every scenario runs under, at a fixed rate: ERP journal inserts and WMS
 * inventory updates committed in the stand-ins (scripts/bench/support/sources.ts, as the
 * benchmarks write them), till sales posted to a store agent's local API (as a till does), and
 * web orders placed in the Shopify emulator. Each action is remembered with how the ledger names
 * it, so that the assertions can find it there exactly once; an action whose request failed is
 * a failed client request, and is not expected in the ledger.
 */
import { Sources, type Planned } from '../bench/support/sources';
import { random } from '../bench/support/cli';
import type { EmulatorControl } from '../bench/support/emulator';
import { StockHubError } from '../../core/errors';

export type ActionSource = 'ERP' | 'WMS' | 'PDV' | 'SHOPIFY';

export interface Action {
  i: number;
  scenario: string;
  source: ActionSource;
  sku: string;
  location: string;
  /** How the ledger names it: ERP DOCNO, WMS last_txn_id, the till event id, the Shopify order name. */
  ref: string;
  sentAt: number;
  committedAt?: number;
  error?: string;
}

/** Share of each source in the mix. */
const MIX: ReadonlyArray<[ActionSource, number]> = [
  ['ERP', 0.3],
  ['WMS', 0.2],
  ['PDV', 0.35],
  ['SHOPIFY', 0.15],
];
/** A request that takes longer than this is a failed request (the client gave up). */
const REQUEST_TIMEOUT_MS = 10_000;
/** Actions in flight at most; beyond it the load waits rather than piling up requests. */
const MAX_IN_FLIGHT = 64;

export class MixedLoad {
  readonly actions: Action[] = [];
  private readonly sources: Sources;
  private readonly rnd: () => number;
  private next = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private skus: readonly string[] = [];

  constructor(
    private readonly run: string,
    private readonly agents: Record<string, string>,
    private readonly emulator: EmulatorControl,
    seed: number,
  ) {
    // The ERP and WMS pools connect straight to the stand-ins, never through the suite's proxy: the ERP keeps committing while its link to Connect is cut.
    this.sources = Sources.connect('http://127.0.0.1:0', run);
    this.rnd = random(seed);
  }

  /** The SKUs the next actions touch (each scenario has its own). */
  useSkus(skus: readonly string[]): void {
    this.skus = skus;
  }

  /** Runs the load at `rate` actions/s, tagging each action with the scenario, until `done()` or `maxMs`. */
  async runUntil(scenario: string, rate: number, done: () => boolean, maxMs: number, progress: (line: string) => void): Promise<void> {
    const started = Date.now();
    let sent = 0;
    let lastReport = started;
    while (!done() && Date.now() - started < maxMs) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      for (; sent < due && this.inFlight.size < MAX_IN_FLIGHT; sent++) this.track(this.one(scenario));
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        progress(this.status(scenario));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the requests still in flight (each bounded by its timeout). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  of(scenario: string): Action[] {
    return this.actions.filter((a) => a.scenario === scenario);
  }

  status(scenario: string): string {
    const mine = this.of(scenario);
    const by = (s: ActionSource): number => mine.filter((a) => a.source === s && a.committedAt !== undefined).length;
    return `load: ${mine.length} sent, ${mine.filter((a) => a.committedAt !== undefined).length} committed (ERP ${by('ERP')}, WMS ${by('WMS')}, till ${by('PDV')}, Shopify ${by('SHOPIFY')}), ${mine.filter((a) => a.error).length} failed`;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.sources.close();
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  private async one(scenario: string): Promise<void> {
    const i = this.next++;
    const r = this.rnd();
    let source: ActionSource = 'SHOPIFY';
    for (let acc = 0, k = 0; k < MIX.length; k++) {
      acc += MIX[k]![1];
      if (r < acc) {
        source = MIX[k]![0];
        break;
      }
    }
    const sku = this.pick(this.skus);
    const stores = Object.keys(this.agents);
    const location = source === 'PDV' ? this.pick(stores) : source === 'ERP' ? this.pick(['DC01', ...stores]) : 'DC01';
    const action: Action = { i, scenario, source, sku, location, ref: '', sentAt: Date.now() };
    this.actions.push(action);
    try {
      await this.send(action);
      action.committedAt ??= Date.now();
    } catch (error) {
      action.error = error instanceof Error ? error.message : String(error);
    }
  }

  private async send(action: Action): Promise<void> {
    if (action.source === 'ERP' || action.source === 'WMS') {
      const erpType = action.location === 'DC01' && this.rnd() < 0.5 ? 'RCV' : this.rnd() < 0.7 ? 'ADJ' : 'DMG';
      const quantity = action.source === 'WMS' ? (this.rnd() < 0.6 ? 5 : -2) : erpType === 'RCV' ? 12 : erpType === 'DMG' ? -1 : this.rnd() < 0.5 ? -1 : 2;
      const planned: Planned = { i: action.i, source: action.source, sku: action.sku, location: action.location, quantity, erpType };
      // The same names Sources writes with: DOCNO E2E<run>-<i>, last_txn_id 900000000 + i.
      action.ref = action.source === 'ERP' ? `E2E${this.run}-${action.i}` : String(900_000_000 + action.i);
      await withTimeout(action.source === 'ERP' ? this.sources.erpJournal(planned) : this.sources.wmsInventory(planned));
      if (planned.error) throw new StockHubError(planned.error);
      return;
    }
    if (action.source === 'PDV') {
      action.ref = `CH-${this.run}-${action.i}`;
      const body = [{ id: action.ref, type: 'SALE', sku: action.sku, quantity: 1, occurredAt: new Date().toISOString(), till: 'T01', receipt: `R-${this.run}-${action.i}` }];
      const response = await fetch(`${this.agents[action.location]}/sales`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (response.status !== 202) throw new StockHubError(`store agent ${action.location} answered ${response.status}: ${await response.text()}`);
      return;
    }
    const order = await withTimeout(this.emulator.order([{ sku: action.sku, quantity: 1 }]));
    action.ref = order.name;
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new StockHubError(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
