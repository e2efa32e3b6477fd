import crypto from 'node:crypto';
import {
  Router,
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Config } from '../config';
import { publicRoute, requireRole } from '../web/guards';
import type { Metrics } from './metrics';
import type { OpsService } from './ops.service';

function sameSecret(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/**
 * /healthz is liveness (the process answers); /readyz says the database answers and the pack is compiled. Registered
 * on the app itself, before sessions: a probe carries no cookie, and a page request passes two route checks here
 * instead of entering a router of its own.
 */
export function addHealthRoutes(app: Express, ops: OpsService): void {
  app.get('/healthz', publicRoute, (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', publicRoute, async (_req, res) => {
    const { ready, checks } = await ops.readiness();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
}

/** /metrics for a Prometheus scraper sending `Authorization: Bearer METRICS_TOKEN`: answered before sessions are read. */
export function metricsForScraper(config: Config, metrics: Metrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/metrics' || req.method !== 'GET' || !config.METRICS_TOKEN) return next();
    const bearer = /^Bearer\s+(.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !sameSecret(bearer, config.METRICS_TOKEN)) return next();
    metrics.render().then((text) => res.type(metrics.contentType).send(text), next);
  };
}

/** /metrics for a signed-in administrator (page session or API token). */
export function metricsForAdmins(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', requireRole('admin'), async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.render());
  });
  return router;
}
