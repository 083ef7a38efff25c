import { Router } from 'express';
import type { Metrics } from '../metrics';

/** What a check found, with a line saying why when it is not ok (what a consumer is retrying on). */
export interface CheckResult {
  ok: boolean;
  detail: string;
}

/** A named readiness check: true (or ok) when the dependency or component is usable. */
export type HealthCheck = () => Promise<boolean | CheckResult> | boolean | CheckResult;

/**
 * GET /health (200 when every check passes, 503 naming the failing ones) and GET /metrics
 * (Prometheus text format). Every service mounts it.
 */
export function createOpsRouter(service: string, metrics: Metrics, checks: Record<string, HealthCheck>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const results: Record<string, boolean> = {};
    const details: Record<string, string> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          const result = await check();
          results[name] = typeof result === 'boolean' ? result : result.ok;
          if (typeof result !== 'boolean') details[name] = result.detail;
        } catch (error) {
          results[name] = false;
          details[name] = error instanceof Error ? error.message : String(error);
        }
      }),
    );
    const ok = Object.values(results).every(Boolean);
    res.status(ok ? 200 : 503).json({ service, status: ok ? 'ok' : 'degraded', checks: results, details });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
