import { HELP, parseOptions, parseSince, parseSkuFile, UsageError } from '../../../../hub/ops/report/options';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const parse = (...argv: string[]) => parseOptions(argv, NOW);

function usageError(argv: string[]): UsageError {
  try {
    parseOptions(argv, NOW);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('parseOptions', () => {
  it('defaults: every system, table, no filter, no fix', () => {
    expect(parse()).toEqual({
      systems: ['erp', 'wms', 'shopify', 'agents'],
      skus: null,
      skusFrom: null,
      locations: null,
      changedSince: null,
      limit: null,
      format: 'table',
      progress: false,
      skipUnreachable: false,
      erpDriver: null,
      fix: false,
      fixSystem: null,
      yes: false,
      runId: null,
      help: false,
    });
  });

  it('takes repeated and comma-separated lists, deduplicated, systems in report order', () => {
    const options = parse('--system', 'shopify,erp', '--sku', '1,2', '--sku', '2', '--sku', '3', '--location', 'S001', '--location', 'DC01,S001');
    expect(options.systems).toEqual(['erp', 'shopify']);
    expect(options.skus).toEqual(['1', '2', '3']);
    expect(options.locations).toEqual(['S001', 'DC01']);
  });

  it('reads --changed-since as an ISO time or a duration before now', () => {
    expect(parse('--changed-since', '15m').changedSince).toEqual(new Date('2026-11-29T11:45:00.000Z'));
    expect(parse('--changed-since', '2h').changedSince).toEqual(new Date('2026-11-29T10:00:00.000Z'));
    expect(parse('--changed-since', '2026-11-28T08:00:00+01:00').changedSince).toEqual(new Date('2026-11-28T07:00:00.000Z'));
    expect(parseSince('1d', NOW)).toEqual(new Date('2026-11-28T12:00:00.000Z'));
    expect(parseSince('tomorrow', NOW)).toBeNull();
  });

  it('accepts a complete fix', () => {
    const options = parse('--system', 'erp', '--fix', '--fix-system', 'erp', '--yes', '--run-id', 'r-1', '--format', 'json', '--limit', '10', '--erp-driver', 'oracle');
    expect(options).toMatchObject({ fix: true, fixSystem: 'erp', yes: true, runId: 'r-1', format: 'json', limit: 10, erpDriver: 'oracle' });
  });

  it.each([
    [['--bogus'], '--bogus', 'unknown option'],
    [['--limit'], '--limit', 'needs a value'],
    [['--limit', '0'], '--limit', 'a whole number above 0'],
    [['--limit', '2.5'], '--limit', 'a whole number above 0'],
    [['--system', 'erp,pos'], '--system', "'pos' is not one of erp, wms, shopify, agents"],
    [['--format', 'xml'], '--format', "'xml' is not one of table, csv, json"],
    [['--erp-driver', 'db2'], '--erp-driver', "'db2' is not one of postgres, oracle"],
    [['--changed-since', 'yesterday'], '--changed-since', 'neither an ISO time nor a duration'],
    [['--fix'], '--fix-system', 'required with --fix'],
    [['--fix-system', 'erp'], '--fix-system', 'only with --fix'],
    [['--yes'], '--yes', 'only with --fix'],
    [['--run-id', 'x'], '--run-id', 'only with --fix'],
    [['--fix', '--fix-system', 'wms', '--system', 'erp'], '--fix-system', 'not among the systems compared'],
    [['--fix', '--fix-system', 'erp', '--run-id', 'a b'], '--run-id', 'letters, digits'],
    [['erp'], 'arguments', "unexpected argument 'erp'"],
    [['--fix=yes', '--fix-system', 'erp'], '--fix', 'does not take an argument'],
  ])('%j fails naming %s', (argv, option, message) => {
    const error = usageError(argv);
    expect(error.option).toBe(option);
    expect(error.message).toContain(message);
    expect(error.message.startsWith(`${option}: `)).toBe(true);
  });
});

describe('parseSkuFile', () => {
  it('one SKU a line, blanks and comments skipped, duplicates once', () => {
    expect(parseSkuFile('# wave 1\n10000001\n\n 10000002 # note\r\n10000001\n')).toEqual(['10000001', '10000002']);
  });

  it('refuses a line longer than a SKU, naming the option', () => {
    expect(() => parseSkuFile('x'.repeat(65))).toThrow(/^--skus-from: /);
  });
});

describe('HELP', () => {
  it('says that --fix-system agents repairs the agents from the hub, and counts are for the other systems', () => {
    const help = HELP.replace(/\s+/g, ' ');
    expect(help).toContain('erp, wms, shopify: send corrective COUNT movements to stock.movements, trusting that system');
    expect(help).toContain("agents: repair each affected store agent from the hub (the hub wins): POST /resync on the agent re-reads the hub's levels");
    expect(help).toContain('nothing is sent to the hub');
    expect(help).toContain('or agents, the store agents to repair from the hub');
  });
});
