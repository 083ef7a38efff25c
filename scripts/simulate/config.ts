import { z } from 'zod';
import { stackConfigSchema } from '../../core/config';

const url = z.string().url();

/** The simulated trading day (npm start). Volumes are the retailer's: 500,000 movements on a normal day. */
export const simulationConfigSchema = stackConfigSchema
  .pick({ ERP_PG_HOST: true, ERP_PG_PORT: true, ERP_PG_DATABASE: true, ERP_PG_USER: true, ERP_PG_PASSWORD: true, WMS_DB_HOST: true, WMS_DB_PORT: true, WMS_DB_DATABASE: true, WMS_DB_USER: true, WMS_DB_PASSWORD: true })
  .extend({
    /** Multiple of normal volume (Black Friday is 5). Default 1. */
    SIM_MULTIPLIER: z.coerce.number().positive().max(50).default(1),
    /** Simulated seconds per real second: 60 plays a 12-hour day in 12 minutes. Default 10. */
    SIM_SPEED: z.coerce.number().positive().max(600).default(10),
    /** Articles that sell (the day's assortment), drawn from 10000001... Default 2000. */
    SIM_SKUS: z.coerce.number().int().min(10).max(50_000).default(2_000),
    /** Stores whose tills post through their store agent (the others post straight to the ingest). */
    SIM_AGENT_STORES: z.string().default('S001=http://127.0.0.1:8101,S002=http://127.0.0.1:8102,S003=http://127.0.0.1:8103'),
    /** Port of the simulator's /health and /metrics. Default 8099. */
    SIM_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8099),
    SIM_INGEST_URL: url.default('http://127.0.0.1:8090'),
    SIM_SHOPIFY_EMULATOR_URL: url.default('http://127.0.0.1:8095'),
  });
export type SimulationConfig = z.infer<typeof simulationConfigSchema>;

/** A normal day: 500,000 movements over 12 trading hours. */
export const NORMAL_PER_SECOND = 500_000 / (12 * 3600);

/** Share of the day's movements by source (the tills dominate). */
export const MIX = { pdv: 0.8, web: 0.1, wms: 0.07, erp: 0.03 } as const;
export type SourceKind = keyof typeof MIX;
