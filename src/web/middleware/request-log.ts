import crypto from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import { infoLineWriter, type Logger } from '../../shared/logger';
import type { Metrics } from '../../ops/metrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** `req.log`: a logger bound to the request id, made only when a handler logs (most requests never do). */
export function bindRequestLogger(app: Express, logger: Logger): void {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request & { boundLog?: Logger }) {
      return (this.boundLog ??= logger.child({ reqId: this.requestId }));
    },
  });
}

/** The route pattern, never the raw path, so ids do not explode the metrics' label set. */
function routeOf(req: Request): string {
  // baseUrl is reset once the request leaves its router (errors end at the app), so the API prefix comes from the URL
  if (req.route?.path)
    return `${req.originalUrl.startsWith('/api/v1/') ? '/api/v1' : ''}${String(req.route.path)}`;
  if (req.path.startsWith('/static/') || req.path.startsWith('/assets/')) return 'static';
  return 'unmatched';
}

/** Gives every request an id (kept from a proxy's X-Request-Id when well formed), and a log line and metrics when it ends. */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  // The line pino would write, built here: its fields need no redaction (the path is a string, JSON-escaped; the id is
  // checked above or a UUID; the method comes from Node's parser), and this runs on every request.
  const writeLine = infoLineWriter(logger);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    req.requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe({ method: req.method, route: routeOf(req), status: res.statusCode, seconds });
      const ms = Math.round(seconds * 10000) / 10;
      if (writeLine) {
        const user = req.user?.id;
        writeLine(
          `"reqId":${JSON.stringify(req.requestId)},"method":${JSON.stringify(req.method)},` +
            `"path":${JSON.stringify(req.path)},"status":${res.statusCode},"ms":${ms}` +
            (user === undefined ? '' : `,"user":${JSON.stringify(user)}`),
          'request',
        );
        return;
      }
      if (!logger.isLevelEnabled('info')) return;
      logger.info(
        {
          reqId: req.requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms,
          user: req.user?.id,
        },
        'request',
      );
    });
    next();
  };
}
