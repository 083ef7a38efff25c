import type { HubLevel } from '../../../../hub/ops/report/hub-levels';
import { Progress } from '../../../../hub/ops/report/progress';
import { runReport } from '../../../../hub/ops/report/run';
import type { SystemName, SystemReading, SystemView } from '../../../../hub/ops/report/system-view';
import { fakeClock } from './helpers';

function view(system: SystemName, read: (skus: readonly string[]) => Promise<SystemReading> | SystemReading, batchSize = 500): SystemView & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    batches,
    system,
    measure: 'onHand',
    absentMeansZero: true,
    batchSize,
    locations: async () => ['S001'],
    read: async (skus) => {
      batches.push([...skus]);
      return read(skus);
    },
    close: async () => undefined,
  };
}
const values = (entries: Record<string, number>): SystemReading => ({ values: new Map(Object.entries(entries)), failed: new Map() });
const hub = {
  levels: async (skus: readonly string[]) => new Map<string, HubLevel>(skus.map((sku) => [`${sku}@S001`, { onHand: 5, reserved: 0, safetyStock: 0 }])),
};
const SKUS = Array.from({ length: 30 }, (_, i) => `SKU${String(i).padStart(2, '0')}`);

describe('runReport', () => {
  it('streams the SKUs in the smallest batch any system wants, and sorts the drift by system, SKU and location', async () => {
    const erp = view('erp', (skus) => values(Object.fromEntries(skus.map((s) => [`${s}@S001`, s === 'SKU07' ? 4 : 5]))));
    const shopify = view('shopify', (skus) => values(Object.fromEntries(skus.map((s) => [`${s}@S001`, s === 'SKU03' || s === 'SKU29' ? 0 : 5]))), 12);
    const result = await runReport({ hub, views: [shopify, erp], skus: SKUS, locations: null, progress: null, clock: fakeClock(), signal: new AbortController().signal });
    expect(erp.batches.map((b) => b.length)).toEqual([12, 12, 6]);
    expect(result.rows.map((r) => `${r.system} ${r.sku} ${r.difference}`)).toEqual(['erp SKU07 -1', 'shopify SKU03 -5', 'shopify SKU29 -5']);
    expect(result.summary).toMatchObject({ skus: 30, complete: true, failures: [], systems: { erp: { compared: 30, drift: 1 }, shopify: { compared: 30, drift: 2 } } });
  });

  it('reports a system that fails, drops it from later batches, and goes on with the others', async () => {
    const wms = view('wms', () => Promise.reject(new Error('wms: connect ECONNREFUSED')), 10);
    const erp = view('erp', () => values({}));
    const result = await runReport({ hub, views: [wms, erp], skus: SKUS, locations: null, progress: null, clock: fakeClock(), signal: new AbortController().signal });
    expect(wms.batches).toHaveLength(1);
    expect(erp.batches).toHaveLength(3);
    expect(result.summary.failures).toEqual([{ system: 'wms', location: null, message: 'wms: connect ECONNREFUSED' }]);
    expect(result.summary.systems.erp).toMatchObject({ compared: 30, drift: 30 });
  });

  it('reports a location that failed once, however many batches it fails in', async () => {
    const agents = view('agents', () => ({ values: new Map(), failed: new Map([['S001', 'agent S001 down']]) }), 10);
    const result = await runReport({ hub, views: [agents], skus: SKUS, locations: null, progress: null, clock: fakeClock(), signal: new AbortController().signal });
    expect(result.summary.failures).toEqual([{ system: 'agents', location: 'S001', message: 'agent S001 down' }]);
    expect(result.summary.systems.agents).toMatchObject({ compared: 0, drift: 0 });
  });

  it('does not ask a system that covers none of the locations asked for', async () => {
    const shopify = { ...view('shopify', () => values({})), locations: async () => [] };
    const result = await runReport({ hub, views: [shopify], skus: SKUS, locations: ['WEB'], progress: null, clock: fakeClock(), signal: new AbortController().signal });
    expect(shopify.batches).toHaveLength(0);
    expect(result.summary.systems.shopify).toEqual({ compared: 0, drift: 0, byLocation: {} });
  });

  it('stops after the batch in flight when interrupted, with a partial summary', async () => {
    const controller = new AbortController();
    const erp = view(
      'erp',
      (skus) => {
        if (skus[0] === 'SKU10') controller.abort(new Error('interrupted'));
        return values({});
      },
      10,
    );
    const result = await runReport({ hub, views: [erp], skus: SKUS, locations: null, progress: null, clock: fakeClock(), signal: controller.signal });
    expect(erp.batches).toHaveLength(2);
    expect(result.summary).toMatchObject({ skus: 10, complete: false });
  });

  it('shows progress on stderr-like output only, with an ETA', async () => {
    const out: string[] = [];
    const clock = fakeClock();
    const erp = view('erp', async () => {
      await clock.sleep(1_000);
      return values({});
    }, 10);
    await runReport({ hub, views: [erp], skus: SKUS, locations: null, progress: new Progress({ write: (t) => out.push(t) }, 'lines', clock, 1_000), clock, signal: new AbortController().signal });
    expect(out).toEqual(['progress: 10/30 SKUs (33.3%), 10 drift, ETA 2s\n', 'progress: 20/30 SKUs (66.7%), 20 drift, ETA 1s\n', 'progress: 30/30 SKUs (100.0%), 30 drift, ETA 0s\n']);
  });
});
