import { ConfigError } from '../../core/errors';
import { developmentFile, loadConfig, readEnvFile, stackConfigSchema } from '../../core/config';
import { development } from '../support/development';

describe('loadConfig', () => {
  it('takes its defaults from config/stack.env', () => {
    const config = loadConfig(stackConfigSchema, development());
    const file = readEnvFile();
    expect(config.KAFKA_BROKERS).toEqual([file.KAFKA_BROKERS]);
    expect(config.ERP_PG_PORT).toBe(Number(file.ERP_PG_PORT));
  });

  it('lets the environment override a default', () => {
    const config = loadConfig(stackConfigSchema, development({ KAFKA_BROKERS: 'k1:9092, k2:9092' }));
    expect(config.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9092']);
  });

  it('fails fast naming the bad key', () => {
    expect(() => loadConfig(stackConfigSchema, development({ WMS_DB_PORT: 'not-a-port' }))).toThrow(ConfigError);
    expect(() => loadConfig(stackConfigSchema, development({ WMS_DB_PORT: 'not-a-port' }))).toThrow(/WMS_DB_PORT/);
    expect(() => loadConfig(stackConfigSchema, development({ CONNECT_URL: 'nope' }))).toThrow(expect.objectContaining({ key: 'CONNECT_URL' }));
  });
});

describe('outside development (STOCKHUB_ENV unset or anything but development)', () => {
  const stackKeys = Object.keys(stackConfigSchema.shape);

  it('reads nothing from config/stack.env: every setting without a default is missing, each named in one message', () => {
    let error: unknown;
    try {
      loadConfig(stackConfigSchema, {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const key of stackKeys) expect(message).toContain(key);
    expect(message).toContain('STOCKHUB_ENV=development');
    expect((error as ConfigError).key).toBe('KAFKA_BROKERS');
    expect(() => loadConfig(stackConfigSchema, { STOCKHUB_ENV: 'production' })).toThrow(/missing KAFKA_BROKERS, CONNECT_URL/);
  });

  it('names the missing and the invalid together', () => {
    const env = Object.fromEntries(Object.entries(readEnvFile()).filter(([key]) => stackKeys.includes(key)));
    delete env.REDIS_URL;
    expect(() => loadConfig(stackConfigSchema, { ...env, ERP_PG_PORT: 'x' })).toThrow(/^invalid configuration: missing REDIS_URL \(.*\); ERP_PG_PORT: /);
  });

  it('takes everything from the environment when it is all there', () => {
    const env = Object.fromEntries(Object.entries(readEnvFile()).filter(([key]) => stackKeys.includes(key)));
    expect(loadConfig(stackConfigSchema, { ...env, KAFKA_BROKERS: 'kafka-1:9092' }).KAFKA_BROKERS).toEqual(['kafka-1:9092']);
  });
});

describe('developmentFile', () => {
  it('is the file the setting names, anywhere', () => {
    expect(developmentFile('API_TOKENS_FILE', '/repo/config/api-tokens.json', { API_TOKENS_FILE: '/etc/stockhub/tokens.json' })).toBe('/etc/stockhub/tokens.json');
  });

  it('is the repo’s development file only in development', () => {
    expect(developmentFile('API_TOKENS_FILE', '/repo/config/api-tokens.json', development())).toBe('/repo/config/api-tokens.json');
    expect(() => developmentFile('API_TOKENS_FILE', '/repo/config/api-tokens.json', {})).toThrow(expect.objectContaining({ constructor: ConfigError, key: 'API_TOKENS_FILE' }));
    expect(() => developmentFile('API_TOKENS_FILE', '/repo/config/api-tokens.json', { API_TOKENS_FILE: '' })).toThrow(/missing API_TOKENS_FILE/);
  });
});
