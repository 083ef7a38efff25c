/**
 * The Shopify Admin API emulator, for tests and the demo (never production):
 *   node --import tsx emulators/shopify/main.ts
 * Options: emulators/shopify/config.ts (SHOPIFY_EMULATOR_*; shop, token and locations from config/shopify.json).
 */
import { createLogger } from '../../core/logging';
import { runService } from '../../core/process';
import { loadEmulatorOptions } from './config';
import { SERVICE, startShopifyEmulator } from './server';

const logger = createLogger(SERVICE);

runService(SERVICE, logger, async () => {
  const options = loadEmulatorOptions();
  const running = await startShopifyEmulator(options, logger);
  const { plan, restoreRate, maximumAvailable } = { ...running.emulator.bucket.status(), plan: running.emulator.plan };
  logger.info(
    { url: running.url, items: running.emulator.state.itemCount, locations: running.emulator.state.locations.length, plan, restoreRate, maximumAvailable, webhookUrl: options.webhookUrl },
    'Shopify emulator ready',
  );
  return () => running.close();
});
