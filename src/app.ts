import path from 'node:path';
import express, { type Express } from 'express';
import type { Services } from './compose';
import type { AppConfig } from './config';
import { addHealthRoutes, metricsForScraper } from './ops/health.routes';
import { mountRoutes } from './routes';
import { NotFound } from './shared/errors';
import { errorHandler } from './web/error-handler';
import { inOrder } from './web/in-order';
import type { Logger } from './shared/logger';
import { bodyParsers } from './web/middleware/body-parsers';
import { pageLocals } from './web/middleware/locals';
import { pageDefaults } from './web/middleware/page-defaults';
import { bindRequestLogger, requestLog } from './web/middleware/request-log';
import { securityHeaders } from './web/middleware/security-headers';
import { createSessionSupport } from './web/middleware/session';
import { staticFiles } from './web/middleware/static-files';
import { uploadsBeforeCsrf } from './web/middleware/uploads';
import { useViews } from './web/views';

/** The project folder, from src/ under ts-jest or dist/src/ when built. */
const ROOT = path.join(__dirname, '..', path.basename(path.join(__dirname, '..')) === 'dist' ? '..' : '');

/** The web application over composed services: middleware in the order a request meets it, then the URL map. */
export function createApp(services: Services, config: AppConfig, logger: Logger): Express {
  const sessions = createSessionSupport(config, services.auth);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // every page is personal and no-store: an ETag would be hashing for nothing
  app.set('trust proxy', config.TRUST_PROXY ? 1 : false);
  useViews(app, ROOT, config);
  bindRequestLogger(app, logger);

  // middleware that hold no route run as one step each (inOrder): the module page's speed is most requests'
  app.use(inOrder([requestLog(logger, services.metrics), pageDefaults, securityHeaders(config)]));
  for (const [prefix, serve] of staticFiles(ROOT, config)) app.use(prefix, serve); // before sessions, as are:
  addHealthRoutes(app, services.ops); // /healthz /readyz
  app.use(
    inOrder([
      metricsForScraper(config, services.metrics),
      bodyParsers,
      sessions.load,
      pageLocals(sessions, services.variants),
      uploadsBeforeCsrf,
      sessions.verifyCsrf,
    ]),
  );
  mountRoutes(app, services, sessions, config, ROOT);
  app.use((_req, _res, next) => next(new NotFound()));
  app.use(errorHandler());
  return app;
}
