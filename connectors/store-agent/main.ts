/**
 * The store agent: keeps the store's local copy from the hub's feed, answers the tills from it,
 * and forwards their sales and returns in order, idempotently, whenever the WAN is up.
 */
import { loadConfig } from '../../core/config';
import { listen } from '../../core/http';
import { createLogger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import { runService } from '../../core/process';
import { agentConfigSchema, defaultDbPath } from './config';
import { FeedClient } from './feed-client';
import { Forwarder } from './forwarder';
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
  // Healthy means "able to serve the tills": the local copy answers with or without the WAN.
  const server = listen(createLocalApi(db, logger, metrics, { localDb: () => db.backlog() >= 0 }), config.AGENT_HTTP_PORT, logger, 'GET /stock/{sku}, POST /sales');
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
