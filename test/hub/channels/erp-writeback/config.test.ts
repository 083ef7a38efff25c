import { loadConfig } from '../../../../core/config';
import { ConfigError } from '../../../../core/errors';
import { writebackConfigSchema } from '../../../../hub/channels/erp-writeback/config';

const KAFKA = { KAFKA_BROKERS: '127.0.0.1:9092' };
const POSTGRES = { ERP_PG_HOST: '127.0.0.1', ERP_PG_PORT: '55432', ERP_PG_DATABASE: 'erp', ERP_PG_USER: 'erpapp', ERP_PG_PASSWORD: 'erpapp' };
const ORACLE = { WRITEBACK_ERP_DB: 'oracle', ERP_ORACLE_CONNECT_STRING: 'erp-db.retailmax.internal:1521/ERPPRD', ERP_ORACLE_USER: 'STOCKHUB_WB', ERP_ORACLE_PASSWORD: 'secret' };

/** The schema alone, without config/stack.env's development values beneath. */
const issuesOf = (env: Record<string, string>) => {
  const parsed = writebackConfigSchema.safeParse(env);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
};

describe('the write-back’s ERP database settings', () => {
  it('default to the PostgreSQL stand-in, which needs ERP_PG_* and none of the Oracle keys', () => {
    const config = loadConfig(writebackConfigSchema, { ...KAFKA, ...POSTGRES });
    expect(config).toMatchObject({ WRITEBACK_ERP_DB: 'postgres', ERP_PG_HOST: '127.0.0.1', ERP_PG_PORT: 55432, WRITEBACK_ERP_TIMEOUT_MS: 15_000 });
    expect(config).not.toHaveProperty('ERP_ORACLE_PASSWORD');
    expect(issuesOf({ ...KAFKA, ...POSTGRES })).toEqual([]);
    expect(issuesOf({ ...KAFKA, ...POSTGRES, ERP_PG_HOST: '' })).toEqual(['ERP_PG_HOST']);
    expect(issuesOf({ ...KAFKA, WRITEBACK_ERP_DB: 'postgres' })).toEqual(['ERP_PG_HOST', 'ERP_PG_PORT', 'ERP_PG_DATABASE', 'ERP_PG_USER', 'ERP_PG_PASSWORD']);
  });

  it('with oracle need the connect string, user and password, and no ERP_PG_*; the pool holds 2 connections unless told', () => {
    const config = loadConfig(writebackConfigSchema, { ...KAFKA, ...ORACLE });
    expect(config).toMatchObject({ ...ORACLE, ERP_ORACLE_POOL_MAX: 2 });
    expect(config).not.toHaveProperty('ERP_PG_HOST');
    expect(issuesOf({ ...KAFKA, ...ORACLE })).toEqual([]);
    expect(loadConfig(writebackConfigSchema, { ...KAFKA, ...ORACLE, ERP_ORACLE_POOL_MAX: '4' })).toMatchObject({ ERP_ORACLE_POOL_MAX: 4 });
  });

  it.each(['ERP_ORACLE_CONNECT_STRING', 'ERP_ORACLE_USER', 'ERP_ORACLE_PASSWORD'])('with oracle and no %s, fail at start naming it (no default, not even for the password)', (key) => {
    const { [key as keyof typeof ORACLE]: _left, ...env } = ORACLE;
    expect(issuesOf({ ...KAFKA, ...env })).toEqual([key]);
    expect(() => loadConfig(writebackConfigSchema, { ...KAFKA, ...env })).toThrow(ConfigError);
    expect(() => loadConfig(writebackConfigSchema, { ...KAFKA, ...env })).toThrow(expect.objectContaining({ key, message: expect.stringContaining(key) }));
  });

  it('refuse an empty password and a database they do not know, naming the key', () => {
    expect(issuesOf({ ...KAFKA, ...ORACLE, ERP_ORACLE_PASSWORD: '' })).toEqual(['ERP_ORACLE_PASSWORD']);
    expect(() => loadConfig(writebackConfigSchema, { ...KAFKA, ...POSTGRES, WRITEBACK_ERP_DB: 'mysql' })).toThrow(expect.objectContaining({ key: 'WRITEBACK_ERP_DB' }));
  });
});
