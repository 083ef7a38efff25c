import { RAW_TOPICS } from '../../core/topics';
import { capturedTables, readConnector, registeredConnectors } from '../support/connectors';

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
});
