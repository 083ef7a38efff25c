import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createOpsRouter, httpErrorHandler, listen } from '../../core/http';
import { createLogger, type Logger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import { createAdminRouter } from './admin';
import type { EmulatorOptions } from './config';
import { createControlRouter } from './control';
import { ShopifyEmulator } from './emulator';
import { seedFromErp } from './seed';

export const SERVICE = 'shopify-emulator';

/** The emulator's HTTP face: Shopify's Admin API, the /_emulator control API, /health and /metrics. */
export function createEmulatorApp(emulator: ShopifyEmulator, metrics: ReturnType<typeof createMetrics>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createOpsRouter(SERVICE, metrics, { online: () => !emulator.offline }));
  app.use(createAdminRouter(emulator));
  app.use('/_emulator', createControlRouter(emulator));
  app.use(httpErrorHandler(emulator.logger));
  return app;
}

export interface RunningEmulator {
  emulator: ShopifyEmulator;
  server: Server;
  /** http://host:port, e.g. for SHOPIFY_ADMIN_URL. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Builds the emulator, seeds it (options.seedFrom), and listens on options.port (0: any free port). */
export async function startShopifyEmulator(options: EmulatorOptions, logger: Logger = createLogger(SERVICE)): Promise<RunningEmulator> {
  const metrics = createMetrics(SERVICE);
  const emulator = new ShopifyEmulator(options, logger, metrics);
  if (options.seedFrom === 'erp') {
    if (!options.erp) throw new Error('seedFrom erp needs the ERP connection (options.erp)');
    await seedFromErp(emulator.state, options.erp, logger);
  }
  const app = createEmulatorApp(emulator, metrics);
  const server = listen(app, options.port, logger, `Shopify Admin API ${options.apiVersion} emulator for ${options.shop}, /_emulator, /health, /metrics`);
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { address, port } = server.address() as AddressInfo;
  // Listening on every interface (containers): clients still reach it on loopback.
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
  metrics.up.set({ component: SERVICE }, 1);
  return {
    emulator,
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      metrics.up.set({ component: SERVICE }, 0);
      await emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
