import { Router } from 'express';
import type { Metrics } from '../metrics';

/** A named readiness check: resolves true when the dependency is usable. */
export type HealthCheck = () => Promise<boolean> | boolean;

/**
 * GET /health (200 when every check passes, 503 naming the failing ones) and GET /metrics
 * (Prometheus text format). Every service mounts it.
 */
export function createOpsRouter(service: string, metrics: Metrics, checks: Record<string, HealthCheck>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const results: Record<string, boolean> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          results[name] = await check();
        } catch {
          results[name] = false;
        }
      }),
    );
    const ok = Object.values(results).every(Boolean);
    res.status(ok ? 200 : 503).json({ service, status: ok ? 'ok' : 'degraded', checks: results });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
