import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RAW_TOPICS } from '../../core/topics';
import { CONNECTORS_DIR, capturedTables, readConnector, registeredConnectors } from '../support/connectors';

const CONVERTER_SETTINGS = ['decimal.handling.mode', 'time.precision.mode', 'tombstones.on.delete', 'topic.prefix', 'table.include.list'];

describe('Debezium connector configs', () => {
  it('the production Oracle connector captures the same tables with the same converter settings as the ERP stand-in', () => {
    const oracle = readConnector('production/erp-oracle.json');
    const standIn = readConnector('erp-postgres.json');
    expect(oracle.name).toBe(standIn.name);
    for (const key of CONVERTER_SETTINGS) expect([key, oracle.config[key]]).toEqual([key, standIn.config[key]]);
    expect(oracle.config['connector.class']).toBe('io.debezium.connector.oracle.OracleConnector');
    expect(oracle.config['database.connection.adapter']).toBe('logminer');
  });

  it('every captured table has its raw topic declared in core/topics (<prefix>.<schema>.<table>)', () => {
    const declared = new Set<string>(Object.values(RAW_TOPICS));
    const produced = registeredConnectors().flatMap((c) => capturedTables(c).map((table) => `${c.config['topic.prefix']}.${table}`));
    expect(produced.length).toBeGreaterThanOrEqual(4);
    for (const topic of produced) expect(declared).toContain(topic);
  });

  it('decimals arrive as strings and schemas are not embedded, as the sinks expect', () => {
    for (const c of registeredConnectors()) {
      expect(c.config['decimal.handling.mode']).toBe('string');
      expect(c.config['time.precision.mode']).toBe('connect');
    }
  });

  it("every connector, the production one too, hands changes to Connect within 100 ms (Debezium's 500 ms default is a quarter of the 2 s budget)", () => {
    for (const c of [...registeredConnectors(), readConnector('production/erp-oracle.json')]) expect([c.name, Number(c.config['poll.interval.ms'])]).toEqual([c.name, 100]);
  });

  it('the PostgreSQL stand-in decodes with pgoutput (the connector default is decoderbufs)', () => {
    expect(readConnector('erp-postgres.json').config['plugin.name']).toBe('pgoutput');
  });

  describe('the production Oracle connector is hardened against the LogMiner failure modes of docs/oracle.md', () => {
    const oracle = readConnector('production/erp-oracle.json').config;
    const setup = setupStatements(readFileSync(join(CONNECTORS_DIR, 'production/erp-oracle-cdc-setup.sql'), 'utf8'));
    const runbook = readFileSync(resolve(__dirname, '../../docs/oracle.md'), 'utf8');
    const created = createdTables(setup);
    const owner = oracle['database.user']!.toUpperCase();

    it('heartbeats carry the SCN while the ERP is quiet, and the action query commits to the heartbeat table the setup script gives the connector account', () => {
      expect(Number(oracle['heartbeat.interval.ms'])).toBeGreaterThan(0);
      const target = statementTarget(oracle['heartbeat.action.query'] ?? '');
      expect(target).toBe(`${owner}.DEBEZIUM_HEARTBEAT`);
      expect(created.has(target!)).toBe(true);
      // The commit alone moves the offset; capturing the table would only add a topic nobody reads.
      expect(capturedTables({ name: 'erp', config: oracle }).map((t) => t.toUpperCase())).not.toContain(target);
    });

    it('signals come from the signal table the setup script creates, named <database>.<schema>.<table> with the id, type and data columns', () => {
      const parts = (oracle['signal.data.collection'] ?? '').split('.');
      expect(parts).toHaveLength(3);
      expect(parts[0]).toBe(oracle['database.dbname']);
      const table = `${parts[1]}.${parts[2]}`.toUpperCase();
      expect(created.get(table)?.slice(0, 3)).toEqual(['ID', 'TYPE', 'DATA']);
      expect((oracle['signal.enabled.channels'] ?? '').split(',')).toContain('source');
      // insert_delete closes each chunk's window with a delete, read from its before image.
      expect(oracle['incremental.snapshot.watermarking.strategy']).toBe('insert_delete');
      expect(setup).toContainEqual(`ALTER TABLE ${quoted(table)} ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS`);
      expect(Number(oracle['incremental.snapshot.chunk.size'])).toBeGreaterThan(1024);
    });

    it('LOB capture is off, which the hybrid mining strategy needs, and the deprecated redo_log_catalog strategy is not used', () => {
      expect(oracle['lob.enabled']).toBe('false');
      expect(oracle['log.mining.strategy']).toBe('hybrid');
    });

    it("archive.log.hours is set to the runbook's retention, and long transactions are dropped well within it", () => {
      const hours = Number(oracle['archive.log.hours']);
      expect(hours).toBeGreaterThan(0);
      expect(runbook).toContain(`**Keep archived logs for at least ${hours} hours**`);
      // The pre-3.0 name: Debezium 3.6 ignores it without a word.
      expect(Object.keys(oracle)).not.toContain('log.mining.archive.log.hours');
      const retentionMs = Number(oracle['log.mining.transaction.retention.ms']);
      expect(retentionMs).toBeGreaterThan(0);
      expect(retentionMs).toBeLessThan(hours * 3_600_000);
    });

    it('the snapshot reads only captured tables, by their <database>.<schema>.<table> names, and takes only a row-share lock', () => {
      const tables = capturedTables({ name: 'erp', config: oracle }).map((t) => `${oracle['database.dbname']}.${t}`);
      const patterns = (oracle['snapshot.include.collection.list'] ?? '').split(',').map((p) => new RegExp(`^${p.trim()}$`));
      expect(patterns.length).toBeGreaterThan(0);
      for (const pattern of patterns) expect([pattern.source, tables.some((t) => pattern.test(t))]).toEqual([pattern.source, true]);
      expect(oracle['snapshot.locking.mode']).toBe('shared');
    });

    it('the setup script creates the connector account, logs every column of each captured table and grants SELECT and FLASHBACK on those tables only', () => {
      expect(setup.some((s) => s.startsWith(`CREATE USER ${owner} `))).toBe(true);
      for (const table of capturedTables({ name: 'erp', config: oracle })) {
        expect(setup).toContainEqual(`ALTER TABLE ${quoted(table)} ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS`);
        expect(setup).toContainEqual(`GRANT SELECT ON ${quoted(table)} TO ${owner}`);
        expect(setup).toContainEqual(`GRANT FLASHBACK ON ${quoted(table)} TO ${owner}`);
      }
      expect(setup).toContainEqual('ALTER DATABASE ADD SUPPLEMENTAL LOG DATA');
      for (const broad of ['SELECT ANY TABLE', 'FLASHBACK ANY TABLE', 'LOCK ANY TABLE']) expect(setup.filter((s) => s.includes(broad))).toEqual([]);
    });

    it("docs/oracle.md's settings table gives every setting of the file, with the file's value", () => {
      expect(settingsTable(runbook)).toEqual(oracle);
    });
  });
});

/** The script's statements (a PL/SQL block in pieces), comments dropped, whitespace folded, without terminators. */
function setupStatements(sql: string): string[] {
  return sql
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .filter((line) => line.trim() !== '/')
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.replace(/\s+/g, ' ').trim())
    .filter((statement) => statement.length > 0);
}

/** SCHEMA.TABLE -> its columns in order, for every CREATE TABLE of the script. */
function createdTables(statements: string[]): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const statement of statements) {
    const match = /^CREATE TABLE "?(\w+)"?\."?(\w+)"? \((.*)\)$/i.exec(statement);
    if (match === null) continue;
    const columns = match[3]!
      .split(',')
      .map((part) => part.trim())
      .filter((part) => !/^CONSTRAINT /i.test(part))
      .flatMap((part) => /^"?(\w+)"? [A-Z]/i.exec(part)?.[1]?.toUpperCase() ?? []);
    tables.set(`${match[1]!.toUpperCase()}.${match[2]!.toUpperCase()}`, columns);
  }
  return tables;
}

/** The SCHEMA.TABLE an INSERT, UPDATE or MERGE writes to. */
function statementTarget(statement: string): string | null {
  const match = /^\s*(?:MERGE\s+INTO|INSERT\s+INTO|UPDATE)\s+"?(\w+)"?\."?(\w+)"?/i.exec(statement);
  return match === null ? null : `${match[1]!.toUpperCase()}.${match[2]!.toUpperCase()}`;
}

const quoted = (table: string): string =>
  table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');

/** The | `setting` | `value` | why | rows of the runbook's settings table. */
function settingsTable(markdown: string): Record<string, string> {
  const section = markdown.split('\n## Connector settings\n')[1]?.split('\n## ')[0] ?? '';
  const rows: Record<string, string> = {};
  for (const line of section.split('\n')) {
    const match = /^\| `([^`]+)` \| `([^`]*)` \| .+ \|$/.exec(line);
    if (match !== null) rows[match[1]!] = match[2]!;
  }
  return rows;
}
