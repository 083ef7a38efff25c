import { ConfigError } from '../../../core/errors';
import type { Logger } from '../../../core/logging';
import { createAdminRequest, createShopify, loadShopifyConfig } from '../../../core/shopify';
import { AgentsView } from './agents-view';
import { BalanceView } from './balance-view';
import { loadAgents, loadBalanceTable, type ReportConfig } from './config';
import { ShopifyView } from './shopify-view';
import { mysqlSource, oracleSource, postgresSource, type SqlSource } from './sql-sources';
import type { SystemName, SystemView } from './system-view';

/** The ERP's driver: the stand-in's PostgreSQL, or production's Oracle with the same SQL. */
function erpSource(config: ReportConfig, driver: 'postgres' | 'oracle'): SqlSource {
  if (driver === 'postgres') {
    return postgresSource('erp', { host: config.ERP_PG_HOST, port: config.ERP_PG_PORT, database: config.ERP_PG_DATABASE, user: config.ERP_PG_USER, password: config.ERP_PG_PASSWORD });
  }
  const { ERP_ORACLE_CONNECT_STRING: connectString, ERP_ORACLE_USER: user, ERP_ORACLE_PASSWORD: password } = config;
  if (connectString === undefined) throw new ConfigError('the oracle ERP driver needs ERP_ORACLE_CONNECT_STRING (host:port/service)', 'ERP_ORACLE_CONNECT_STRING');
  if (user === undefined) throw new ConfigError('the oracle ERP driver needs ERP_ORACLE_USER', 'ERP_ORACLE_USER');
  return oracleSource('erp', { connectString, user, password: password ?? '' });
}

/** One reader per chosen system; configuration errors surface here, before anything is read. */
export function createViews(systems: readonly SystemName[], config: ReportConfig, erpDriver: 'postgres' | 'oracle', logger: Logger): SystemView[] {
  return systems.map((system): SystemView => {
    switch (system) {
      case 'erp':
        return new BalanceView('erp', erpSource(config, erpDriver), loadBalanceTable('ERP', config.MAPPINGS_DIR));
      case 'wms':
        return new BalanceView(
          'wms',
          mysqlSource('wms', { host: config.WMS_DB_HOST, port: config.WMS_DB_PORT, database: config.WMS_DB_DATABASE, user: config.WMS_DB_USER, password: config.WMS_DB_PASSWORD }),
          loadBalanceTable('WMS', config.MAPPINGS_DIR),
        );
      case 'shopify': {
        const shopify = loadShopifyConfig();
        return new ShopifyView(createAdminRequest(createShopify(shopify, logger), shopify), shopify.locations);
      }
      case 'agents':
        return new AgentsView(loadAgents(config.STOCKHUB_AGENTS_FILE));
    }
  });
}
