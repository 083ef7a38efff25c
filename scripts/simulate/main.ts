/**
 * The simulated trading day that `npm start` drives: till sales in the 20 stores (three through
 * their store agents), web orders in Shopify, DC receipts and picks in the WMS and adjustments in
 * the ERP, at SIM_MULTIPLIER times normal volume, on a clock SIM_SPEED times faster than real.
 * Prints progress every 10 s; stops cleanly on Ctrl-C.
 */
import '../development-env';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { Counter } from 'prom-client';
import { loadConfig } from '../../core/config';
import { createOpsRouter, listen } from '../../core/http';
import { createLogger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import { runService } from '../../core/process';
import { MIX, NORMAL_PER_SECOND, simulationConfigSchema, type SourceKind } from './config';
import { TradingSources, type TillSale } from './sources';

const TICK_MS = 200;
const PROGRESS_MS = 10_000;
const STORES = Array.from({ length: 20 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
/** Hour of day -> share of the average rate: a quiet morning, lunch and after-work peaks. */
const HOURLY = [0.5, 0.8, 1.0, 1.5, 1.3, 0.9, 0.8, 1.0, 1.4, 1.6, 1.2, 0.6];
const DAY_START_HOUR = 9;

async function main(): Promise<() => Promise<void>> {
  const config = loadConfig(simulationConfigSchema);
  const logger = createLogger('simulator');
  const metrics = createMetrics('simulator');
  const sent = new Counter({ name: 'stockhub_simulated_movements_total', help: 'Movements the simulated day sent, by source', labelNames: ['source'] as const, registers: [metrics.registry] });
  const failed = new Counter({ name: 'stockhub_simulated_failures_total', help: 'Sends that failed, by source', labelNames: ['source'] as const, registers: [metrics.registry] });
  const sources = new TradingSources(config, randomUUID().slice(0, 6));
  // A skewed assortment: a few articles sell far more than the rest, as in a real shop.
  const sku = (): string => String(10_000_001 + Math.floor(config.SIM_SKUS * Math.random() ** 2));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

  const app = express();
  app.use(createOpsRouter('simulator', metrics, {}));
  const server = listen(app, config.SIM_HTTP_PORT, logger, '/health, /metrics');

  const startedAt = Date.now();
  const counts: Record<SourceKind, number> = { pdv: 0, web: 0, wms: 0, erp: 0 };
  let carry = 0;
  let stopped = false;
  const simulatedHour = () => ((Date.now() - startedAt) * config.SIM_SPEED) / 3_600_000;

  const send = async (source: SourceKind, work: () => Promise<void>, movements = 1): Promise<void> => {
    try {
      await work();
      counts[source] += movements;
      sent.inc({ source }, movements);
    } catch (error) {
      failed.inc({ source });
      logger.warn({ err: error, source }, 'simulated movement not accepted; the day goes on');
    }
  };

  const tick = async (): Promise<void> => {
    const hour = simulatedHour() % HOURLY.length;
    carry += NORMAL_PER_SECOND * config.SIM_MULTIPLIER * config.SIM_SPEED * HOURLY[Math.floor(hour)]! * (TICK_MS / 1000);
    const due = Math.floor(carry);
    carry -= due;
    const tills = new Map<string, TillSale[]>();
    const work: Array<Promise<void>> = [];
    for (let i = 0; i < due; i++) {
      const r = Math.random();
      if (r < MIX.pdv) {
        const store = pick(STORES);
        tills.set(store, [...(tills.get(store) ?? []), { store, sku: sku(), quantity: 1 + Math.floor(Math.random() ** 3 * 3) }]);
      } else if (r < MIX.pdv + MIX.web) work.push(send('web', () => sources.webOrder(sku(), 1)));
      else if (r < MIX.pdv + MIX.web + MIX.wms) work.push(send('wms', () => sources.dcMovement(sku(), Math.random() < 0.3 ? 24 : -(1 + Math.floor(Math.random() * 4)))));
      else work.push(send('erp', () => sources.erpAdjustment(sku(), pick([...STORES, 'DC01']), Math.random() < 0.8 ? -1 : 1)));
    }
    for (const [store, sales] of tills) work.push(send('pdv', () => sources.tillSales(store, sales), sales.length));
    await Promise.all(work);
  };

  const loop = (async () => {
    while (!stopped) {
      const began = Date.now();
      await tick();
      await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (Date.now() - began))));
    }
  })();

  const progress = setInterval(() => {
    const hours = simulatedHour();
    const day = Math.floor(hours / HOURLY.length) + 1;
    const clock = `${String(DAY_START_HOUR + Math.floor(hours % HOURLY.length)).padStart(2, '0')}:${String(Math.floor((hours * 60) % 60)).padStart(2, '0')}`;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const rate = total / ((Date.now() - startedAt) / 1000);
    logger.info({ day, clock, ...counts, total, perSecond: Math.round(rate) }, 'trading day progress');
    process.stdout.write(`[day ${day} ${clock}] ${total} movements (${Math.round(rate)}/s): tills ${counts.pdv}, web ${counts.web}, DC ${counts.wms}, ERP ${counts.erp}\n`);
  }, PROGRESS_MS);
  logger.info({ multiplier: config.SIM_MULTIPLIER, speed: config.SIM_SPEED, perSecond: Math.round(NORMAL_PER_SECOND * config.SIM_MULTIPLIER * config.SIM_SPEED) }, 'trading day started');

  return async () => {
    stopped = true;
    clearInterval(progress);
    await loop;
    server.close();
    await sources.close();
  };
}

runService('simulator', createLogger('simulator'), main);
