import path from 'node:path';
import crypto from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import ejs from 'ejs';
import type { Config } from './config';
import type { Db } from './db/open';
import type { Pack } from './content/types';
import { PackRegistry } from './content/registry';
import { createServices, type Services } from './services';
import { createSessionSupport } from './auth/session';
import { authRoutes, authApiRoutes } from './auth/auth.routes';
import { moduleRoutes, moduleApiRoutes } from './modules/modules.routes';
import { userRoutes, userApiRoutes } from './users/users.routes';
import { cohortRoutes, cohortApiRoutes } from './cohorts/cohorts.routes';
import { progressRoutes, progressApiRoutes } from './progress/progress.routes';
import { workRoutes, workApiRoutes } from './forms/work.routes';
import { variantRoutes, variantApiRoutes } from './variants/variants.routes';
import { openApiRoute } from './web/openapi';
import { HELP_FILE, helpRoutes } from './help/help.routes';
import { HttpError, NotFound } from './shared/errors';
import { parserErrorToHttp } from './web/body-errors';
import { isApi, requireUser } from './web/guards';
import { uploadsBeforeCsrf } from './web/uploads';
import { renderPage } from './web/render';
import { createLogger, type Logger } from './web/logger';
import { viewHelpers } from './web/view-helpers';
import { extraRoutes } from './routes';
import { createMetrics, type Metrics } from './ops/metrics';
import { healthRoutes, metricsForAdmins, metricsForScraper } from './ops/health.routes';

export interface AppDeps {
  db: Db;
  pack: Pack | PackRegistry;
  config: Config;
  logger?: Logger;
}

const ROOT = path.join(__dirname, '..', path.basename(path.join(__dirname, '..')) === 'dist' ? '..' : '');

export function createApp(deps: AppDeps): Express & { services: Services } {
  const { db, config } = deps;
  const packs = deps.pack instanceof PackRegistry ? deps.pack : new PackRegistry(deps.pack);
  const logger = deps.logger ?? createLogger(config.NODE_ENV === 'test' ? 'silent' : config.LOG_LEVEL);
  const services = createServices(db, config, packs, logger);
  const sessions = createSessionSupport(config, services.authRepo, services.auth);

  const app = express() as Express & { services: Services };
  app.services = services;
  app.disable('x-powered-by');
  // Pages and API answers are personal and never cached (no-store below), so an ETag would be hashing for nothing.
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY ? 1 : false);
  app.set('views', path.join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  // Templates compiled once; in production without EJS's per-statement line tracking (a third of render time).
  const ejsOptions = { cache: true, compileDebug: config.NODE_ENV !== 'production' };
  app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
    ejs.renderFile(file, data as ejs.Data, ejsOptions, done);
  });
  app.locals.h = viewHelpers;
  app.locals.serviceName = 'Packway';

  const metrics = createMetrics(config.dbFile);
  // req.log: a logger bound to the request id, made only when a handler logs (most requests never do)
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: express.Request & { boundLog?: Logger }) {
      return (this.boundLog ??= logger.child({ reqId: this.requestId }));
    },
  });
  app.use(requestLog(logger, metrics));
  app.use(pageDefaults);
  app.use(
    securityHeaders(
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'"],
            imgSrc: ["'self'", 'data:'],
            fontSrc: ["'self'", 'data:'],
            connectSrc: ["'self'"],
            formAction: ["'self'"],
            frameAncestors: ["'none'"],
            baseUri: ["'none'"],
            objectSrc: ["'none'"],
          },
        },
        referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
        strictTransportSecurity: config.NODE_ENV === 'production' ? undefined : false,
        crossOriginEmbedderPolicy: false,
      }),
    ),
  );
  const govuk = path.join(ROOT, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
  const staticOptions = {
    maxAge: config.NODE_ENV === 'production' ? '1d' : 0,
    index: false,
    fallthrough: true,
  };
  app.use('/assets', express.static(path.join(govuk, 'assets'), staticOptions));
  app.use('/static/govuk', express.static(govuk, { ...staticOptions, extensions: [] }));
  app.use('/static', express.static(path.join(ROOT, 'public'), staticOptions));

  app.use(healthRoutes(db, packs));
  app.use(metricsForScraper(config, metrics));

  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }));
  app.use(emptyBodyAsObject);
  app.use(sessions.load);
  app.use((req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.locals.user = req.user;
    req.flash = (text) => sessions.flash(req, text);
    res.locals.previewing = req.sessionInfo?.previewVersionId
      ? services.variants.labelOf(req.sessionInfo.previewVersionId)
      : undefined;
    if (!isApi(req)) res.locals.csrfToken = sessions.csrfToken(req, res);
    next();
  });
  app.use(uploadsBeforeCsrf);
  app.use(sessions.verifyCsrf);

  app.use(openApiRoute());
  app.use(helpRoutes(path.join(ROOT, HELP_FILE)));
  app.use(authRoutes(services, sessions));
  app.use('/api/v1', authApiRoutes(services));
  app.use(requireUser);
  app.use(metricsForAdmins(metrics));
  app.use(moduleRoutes(services));
  app.use('/api/v1', moduleApiRoutes(services));
  app.use(userRoutes(services));
  app.use('/api/v1', userApiRoutes(services));
  app.use(progressRoutes(services));
  app.use('/api/v1', progressApiRoutes(services));
  app.use(variantRoutes(services));
  app.use('/api/v1', variantApiRoutes(services));
  app.use(workRoutes(services));
  app.use('/api/v1', workApiRoutes(services));
  app.use(cohortRoutes(services));
  app.use('/api/v1', cohortApiRoutes(services));
  extraRoutes(app, services);

  app.use((_req, _res, next) => next(new NotFound()));
  app.use(errorHandler());
  return app;
}

/**
 * Helmet's headers are the same on every response here (no nonces), so helmet runs once at start-up and its
 * output is replayed by one middleware: the same headers for a fifteenth of the per-request work.
 */
function securityHeaders(helmetMiddleware: RequestHandler): RequestHandler {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  helmetMiddleware({} as express.Request, recorder as unknown as express.Response, () => undefined);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/** What the layout reads is always defined, so an error page renders even when the request failed before sign-in was read. */
const pageDefaults: RequestHandler = (req, res, next) => {
  res.locals.user = undefined;
  res.locals.csrfToken = '';
  res.locals.previewing = undefined;
  res.locals.flash = undefined;
  res.locals.currentPath = req.path;
  next();
};

/** A body no parser understood (text, XML, none at all) reads as an empty form, so validation answers it, not a crash. */
const emptyBodyAsObject: RequestHandler = (req, _res, next) => {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object') req.body = {};
  next();
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Gives every request an id (kept from a proxy's X-Request-Id when well formed), a logger bound to it, and a log line and metrics when it ends. */
function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    req.requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(req, res, seconds);
      if (!logger.isLevelEnabled('info')) return;
      logger.info(
        {
          reqId: req.requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(seconds * 10000) / 10,
          user: req.user?.id,
        },
        'request',
      );
    });
    next();
  };
}

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const unreadable = parserErrorToHttp(err);
  if (unreadable) return unreadable;
  const code = (err as { code?: string })?.code;
  if (
    code === 'SQLITE_FULL' ||
    code === 'SQLITE_READONLY' ||
    code === 'SQLITE_IOERR' ||
    code === 'SQLITE_BUSY'
  ) {
    return new HttpError(
      503,
      'unavailable',
      'The service cannot save data right now. Nothing you saved before is lost. Try again in a few minutes.',
    );
  }
  return undefined;
}

function errorHandler(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toHttpError(err);
    const status = known?.status ?? 500;
    if (status >= 500) req.log.error({ err, code: (err as { code?: string }).code }, 'request failed');
    if (res.headersSent) return res.end();
    if (known && 'retryAfterSeconds' in known) res.setHeader('Retry-After', String(known.retryAfterSeconds));
    const code = known?.code ?? 'internal_error';
    const message = known?.message ?? 'Sorry, there is a problem with the service. Try again later.';
    const details = known?.details ?? [];
    if (isApi(req) || !req.accepts('html')) {
      return res.status(status).json({ error: { code, message, details } });
    }
    const titles: Record<number, string> = {
      401: 'You need to sign in',
      403: 'You cannot do that',
      404: 'Page not found',
      413: 'What you sent is too large',
      415: 'What you sent could not be read',
      400: 'What you sent could not be read',
      429: 'Too many attempts',
      503: 'Sorry, the service is unavailable',
    };
    const title =
      titles[status] ?? (status >= 500 ? 'Sorry, there is a problem with the service' : 'There is a problem');
    renderPage(req, res, 'error', { title, status, message, details }, status);
  };
}
