import type { Summary } from '../../../../hub/ops/report/compare';
import { csvField, formatCsv, formatJson, formatTable, type Report } from '../../../../hub/ops/report/format';
import { driftRow } from './helpers';

const summary: Summary = {
  skus: 2,
  complete: true,
  systems: {
    erp: { compared: 4, drift: 1, byLocation: { S001: { compared: 2, drift: 1 }, S002: { compared: 2, drift: 0 } } },
    shopify: { compared: 2, drift: 1, byLocation: { S002: { compared: 2, drift: 1 } } },
  },
  failures: [{ system: 'agents', location: 'S003', message: 'store agent S003: fetch failed' }],
};
const rows = [
  driftRow(),
  driftRow({ system: 'shopify', sku: 'SKU,"7"', location: 'S002', measure: 'available', hub: 3, value: null, difference: null }),
];
const report: Report = { runId: 'r1', startedAt: 'T0', finishedAt: 'T1', systems: ['erp', 'shopify', 'agents'], rows, summary, fixes: null };

describe('CSV', () => {
  it('quotes commas, quotes and line breaks (RFC 4180), leaves the rest bare', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "7"')).toBe('"say ""7"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(-2)).toBe('-2');
    expect(csvField(null)).toBe('');
  });

  it('one header and one line per drift, CRLF, a missing value empty', () => {
    expect(formatCsv(rows)).toBe(
      'system,sku,location,measure,hub_value,system_value,difference\r\n' +
        'erp,10000001,S001,onHand,9,7,-2\r\n' +
        'shopify,"SKU,""7""",S002,available,3,,\r\n',
    );
  });
});

describe('JSON', () => {
  it('is one document: run, rows, summary and fixes', () => {
    const doc = JSON.parse(formatJson(report)) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['runId', 'startedAt', 'finishedAt', 'systems', 'rows', 'summary', 'fixes']);
    expect(doc.rows).toEqual([
      { system: 'erp', sku: '10000001', location: 'S001', measure: 'onHand', hubValue: 9, systemValue: 7, difference: -2, hubLevel: { onHand: 9, reserved: 0, safetyStock: 0 }, readAt: '2026-11-29T12:00:00.000Z' },
      expect.objectContaining({ system: 'shopify', systemValue: null, difference: null }),
    ]);
    expect(doc.summary).toEqual(summary);
    expect(doc.fixes).toBeNull();
  });
});

describe('table', () => {
  it('aligns the drift rows, then counts, drift by location and errors', () => {
    const text = formatTable({ ...report, fixes: [{ system: 'erp', sku: '10000001', location: 'S001', status: 'applied', eventId: 'hub-recon-x', countedQuantity: 7, detail: null, resolved: true }] });
    expect(text).toContain('erp      10000001  S001      onHand       9             7          -2');
    expect(text).toContain('shopify  SKU,"7"   S002      available    3             -           -');
    expect(text).toContain('2 SKU(s) compared\n');
    expect(text).toMatch(/drift by location\nlocation {2}erp {2}shopify\n-+ {2}-+ {2}-+\nS001 +1 +0\nS002 +0 +1\n/);
    expect(text).toContain('agents S003: store agent S003: fetch failed');
    expect(text).toMatch(/fixes \(run r1\)\n.*\n.*\nerp +10000001 +S001 +7 +applied +yes/);
  });

  it('says so when nothing drifts, and when the run was interrupted', () => {
    const text = formatTable({ ...report, rows: [], summary: { ...summary, complete: false, failures: [] } });
    expect(text.startsWith('no drift\n')).toBe(true);
    expect(text).toContain('(interrupted: partial report)');
    expect(text).not.toContain('errors');
  });
});

describe('parked Shopify levels (--system shopify)', () => {
  const parked = [{ sku: 'SKU,"7"', location: 'S002', wanted: 3, attempts: 5, reason: 'Shopify: SOMETHING_NEW refused', parkedAt: '2026-11-29T11:00:00.000Z', drift: true }];

  it('are listed after the counts, with the drift they explain and how to retry them', () => {
    const text = formatTable({ ...report, parked });
    expect(text).toMatch(/parked in the Shopify channel: not pushed until retried \(stockhub-shopify-parked retry --sku S\)\nsku +location +wanted +attempts +parked at +drift +reason\n.*\nSKU,"7" +S002 +3 +5 +2026-11-29T11:00:00 +yes +Shopify: SOMETHING_NEW refused\n/);
    expect(formatTable({ ...report, parked: [] })).not.toContain('parked');
  });

  it('are a key of the JSON document only when Shopify was compared', () => {
    expect(JSON.parse(formatJson({ ...report, parked })).parked).toEqual(parked);
    expect(Object.keys(JSON.parse(formatJson(report)) as object)).not.toContain('parked');
  });
});
