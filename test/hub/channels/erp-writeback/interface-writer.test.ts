import pino from 'pino';
import { loadConfig } from '../../../../core/config';
import { writebackConfigSchema } from '../../../../hub/channels/erp-writeback/config';
import { loadInterfaceLimits } from '../../../../hub/channels/erp-writeback/interface-limits';
import { openInterfaceWriter } from '../../../../hub/channels/erp-writeback/interface-writer';
import { OracleInterfaceWriter } from '../../../../hub/channels/erp-writeback/oracle-writer';
import { PostgresInterfaceWriter } from '../../../../hub/channels/erp-writeback/postgres-writer';

// The driver itself is replaced: what is checked is how the pool is asked for, without an Oracle.
const mockDriver = { DB_TYPE_VARCHAR: 'VARCHAR', DB_TYPE_NUMBER: 'NUMBER', initOracleClient: jest.fn(), createPool: jest.fn(async () => ({ getConnection: jest.fn(), close: jest.fn() })) };
jest.mock('oracledb', () => mockDriver);

const logger = pino({ level: 'silent' });
const limits = loadInterfaceLimits();
const KAFKA = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('the writer WRITEBACK_ERP_DB chooses', () => {
  it('is the PostgreSQL stand-in by default, with no Oracle pool', async () => {
    const config = loadConfig(writebackConfigSchema, { ...KAFKA, ERP_PG_HOST: '127.0.0.1', ERP_PG_PORT: '55432', ERP_PG_DATABASE: 'erp', ERP_PG_USER: 'erpapp', ERP_PG_PASSWORD: 'erpapp' });
    const writer = await openInterfaceWriter(config, limits, logger);
    expect(writer).toBeInstanceOf(PostgresInterfaceWriter);
    expect(mockDriver.createPool).not.toHaveBeenCalled();
    await writer.close();
  });

  it('is Oracle through a Thin-mode pool that connects on first use and waits no longer than the ERP timeout', async () => {
    const config = loadConfig(writebackConfigSchema, {
      ...KAFKA,
      WRITEBACK_ERP_DB: 'oracle',
      WRITEBACK_ERP_TIMEOUT_MS: '12500',
      ERP_ORACLE_CONNECT_STRING: 'erp-db.retailmax.internal:1521/ERPPRD',
      ERP_ORACLE_USER: 'STOCKHUB_WB',
      ERP_ORACLE_PASSWORD: 'secret',
      ERP_ORACLE_POOL_MAX: '3',
    });
    expect(await openInterfaceWriter(config, limits, logger)).toBeInstanceOf(OracleInterfaceWriter);
    expect(mockDriver.createPool).toHaveBeenCalledWith({
      user: 'STOCKHUB_WB',
      password: 'secret',
      connectString: 'erp-db.retailmax.internal:1521/ERPPRD',
      poolMin: 0,
      poolMax: 3,
      poolIncrement: 1,
      queueTimeout: 12_500,
      connectTimeout: 13,
      transportConnectTimeout: 13,
    });
    expect(mockDriver.initOracleClient).not.toHaveBeenCalled();
  });
});
