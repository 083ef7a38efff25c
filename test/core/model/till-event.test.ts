import { DEFAULT_MAX_CLOCK_SKEW_S, DEFAULT_MAX_LINE_QUANTITY, limitedPdvPostSchema } from '../../../core/model';

const NOW = Date.parse('2026-11-27T17:00:00Z');
const limits = { maxClockSkewMs: DEFAULT_MAX_CLOCK_SKEW_S * 1000, maxLineQuantity: DEFAULT_MAX_LINE_QUANTITY };
const schema = limitedPdvPostSchema(limits, () => NOW);
const event = (overrides: Record<string, unknown> = {}) => ({ id: 'T03-000184-1', type: 'SALE', sku: '10004711', quantity: 1, occurredAt: '2026-11-27T16:59:00Z', till: 'T03', ...overrides });
const issuesOf = (post: unknown) => {
  const parsed = schema.safeParse(post);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
};

describe('limitedPdvPostSchema', () => {
  it('defaults to 5 minutes of clock skew and 10,000 units a line', () => {
    expect(DEFAULT_MAX_CLOCK_SKEW_S).toBe(300);
    expect(DEFAULT_MAX_LINE_QUANTITY).toBe(10_000);
  });

  it('refuses occurredAt further ahead than the tolerance, whatever its offset', () => {
    expect(issuesOf([event({ occurredAt: '2099-01-01T00:00:00Z' })])).toEqual(['0.occurredAt']);
    expect(issuesOf([event(), event({ id: 'b', occurredAt: '2026-11-27T17:05:01Z' })])).toEqual(['1.occurredAt']);
    expect(issuesOf([event({ occurredAt: '2026-11-27T14:05:01-03:00' })])).toEqual(['0.occurredAt']);
  });

  it('takes occurredAt up to the tolerance ahead, and any time before', () => {
    expect(issuesOf([event({ occurredAt: '2026-11-27T17:05:00Z' }), event({ id: 'b', occurredAt: '2020-01-01T00:00:00Z' })])).toEqual([]);
  });

  it('reads the clock at each parse, not once', () => {
    let now = NOW;
    const moving = limitedPdvPostSchema(limits, () => now);
    const post = [event({ occurredAt: '2026-11-27T17:10:00Z' })];
    expect(moving.safeParse(post).success).toBe(false);
    now += 10 * 60_000;
    expect(moving.safeParse(post).success).toBe(true);
  });

  it('refuses a line over the per-line limit', () => {
    expect(issuesOf([event({ quantity: 10_000 })])).toEqual([]);
    expect(issuesOf([event({ quantity: 10_001 })])).toEqual(['0.quantity']);
  });

  it('refuses control characters in every id the till sends', () => {
    for (const field of ['id', 'sku', 'till', 'cashier', 'receipt', 'line']) {
      expect(issuesOf([event({ [field]: 'T\u00003' })])).toEqual([`0.${field}`]);
    }
  });
});
