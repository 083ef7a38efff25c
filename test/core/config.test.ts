import { ConfigError } from '../../core/errors';
import { loadConfig, readEnvFile, stackConfigSchema } from '../../core/config';

describe('loadConfig', () => {
  it('takes its defaults from config/stack.env', () => {
    const config = loadConfig(stackConfigSchema, {});
    const file = readEnvFile();
    expect(config.KAFKA_BROKERS).toEqual([file.KAFKA_BROKERS]);
    expect(config.ERP_PG_PORT).toBe(Number(file.ERP_PG_PORT));
  });

  it('lets the environment override a default', () => {
    const config = loadConfig(stackConfigSchema, { KAFKA_BROKERS: 'k1:9092, k2:9092' });
    expect(config.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9092']);
  });

  it('fails fast naming the bad key', () => {
    expect(() => loadConfig(stackConfigSchema, { WMS_DB_PORT: 'not-a-port' })).toThrow(ConfigError);
    expect(() => loadConfig(stackConfigSchema, { WMS_DB_PORT: 'not-a-port' })).toThrow(/WMS_DB_PORT/);
    expect(() => loadConfig(stackConfigSchema, { CONNECT_URL: 'nope' })).toThrow(expect.objectContaining({ key: 'CONNECT_URL' }));
  });
});
