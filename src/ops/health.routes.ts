import crypto from 'node:crypto';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { migrationLevel } from '../db/migrate';
import type { PackRegistry } from '../content/registry';
import { requireRole } from '../web/guards';
import type { Metrics } from './metrics';
import { createOpsRepo } from './ops.repo';

function sameSecret(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/** /healthz is liveness (the process answers); /readyz says the database answers and the pack is compiled. */
export function healthRoutes(db: Db, packs: PackRegistry): Router {
  const router = Router();
  const ops = createOpsRepo(db);
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const checks: Record<string, string> = {};
    let ready = true;
    try {
      ops.ping();
      checks.database = `ok (migration ${migrationLevel(db)})`;
    } catch (err) {
      ready = false;
      checks.database = `failing: ${(err as Error).message}`;
    }
    const pack = packs.base;
    if (pack && pack.modules.size > 0) checks.pack = `ok (${pack.id}@${pack.version}, ${pack.modules.size} modules)`;
    else {
      ready = false;
      checks.pack = 'not compiled';
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}

/** /metrics for a Prometheus scraper sending `Authorization: Bearer METRICS_TOKEN`: answered before sessions are read. */
export function metricsForScraper(config: Config, metrics: Metrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/metrics' || req.method !== 'GET' || !config.METRICS_TOKEN) return next();
    const bearer = /^Bearer\s+(.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer && sameSecret(bearer, config.METRICS_TOKEN)) return void res.type('text/plain; version=0.0.4').send(metrics.render());
    next();
  };
}

/** /metrics for a signed-in administrator (page session or API token). */
export function metricsForAdmins(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', requireRole('admin'), (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.render());
  });
  return router;
}
