/**
 * The store agent: keeps the store's local copy from the hub's feed, answers the tills from it,
 * and forwards their sales and returns in order, idempotently, whenever the WAN is up. POST
 * /resync repairs the local copy from the hub's stock API (the hub wins).
 */
import { loadConfig } from '../../core/config';
import { listen } from '../../core/http';
import { createLogger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import { runService } from '../../core/process';
import { agentConfigSchema, defaultDbPath, tillLimitsOf } from './config';
import { FeedClient } from './feed-client';
import { Forwarder } from './forwarder';
import { HubStock } from './hub-stock';
import { createLocalApi } from './local-api';
import { LocalDb } from './local-db';

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(agentConfigSchema);
  const store = config.AGENT_STORE_ID;
  const logger = createLogger('store-agent').child({ storeId: store });
  const metrics = createMetrics('store-agent');
  const db = new LocalDb(config.AGENT_DB_PATH ?? defaultDbPath(store));
  const feed = new FeedClient(`${config.AGENT_HUB_URL}/v1/stores/${store}/feed`, config.AGENT_API_TOKEN, db, logger);
  const forwarder = new Forwarder(`${config.AGENT_INGEST_URL}/v1/stores/${store}/movements`, config.AGENT_PDV_TOKEN, db, config.AGENT_FORWARD_MS, logger);
  const hub = new HubStock(config.AGENT_HUB_URL, config.AGENT_API_TOKEN, store);
  // Healthy means "able to serve the tills": the local copy answers with or without the WAN.
  const api = createLocalApi(db, hub, logger, metrics, { localDb: () => db.backlog() >= 0 }, tillLimitsOf(config));
  const server = listen(api, config.AGENT_HTTP_PORT, logger, 'GET /stock/{sku}, POST /sales, POST /resync');
  feed.start();
  forwarder.start();
  return async () => {
    server.close();
    feed.stop();
    forwarder.stop();
    await forwarder.flush();
    db.close();
  };
}

runService('store-agent', createLogger('store-agent'), main);
