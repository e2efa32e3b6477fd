import type { ErrorRequestHandler } from 'express';
import { HttpError, Unauthorized } from '../shared/errors';
import { parserErrorToHttp } from './body-errors';
import { isApi } from './guards';
import { renderPage } from './render';
import { challenge } from './www-authenticate';

const UNAVAILABLE = ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_BUSY'];

/** Typed errors keep their status; unreadable requests become 4xx; a full or read-only database is 503. */
function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const unreadable = parserErrorToHttp(err);
  if (unreadable) return unreadable;
  const code = (err as { code?: string })?.code;
  if (code && UNAVAILABLE.includes(code)) {
    const message =
      'The service cannot save data right now. Nothing you saved before is lost. Try again in a few minutes.';
    return new HttpError(503, 'unavailable', message);
  }
  return undefined;
}

const TITLES: Record<number, string> = {
  400: 'What you sent could not be read',
  401: 'You need to sign in',
  403: 'You cannot do that',
  404: 'Page not found',
  413: 'What you sent is too large',
  415: 'What you sent could not be read',
  429: 'Too many attempts',
  503: 'Sorry, the service is unavailable',
};

/** The one error handler: the API error shape for API calls, a GOV.UK error page for pages. */
export function errorHandler(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toHttpError(err);
    const status = known?.status ?? 500;
    if (status >= 500) req.log.error({ err, code: (err as { code?: string }).code }, 'request failed');
    if (res.headersSent) return res.end();
    if (known && 'retryAfterSeconds' in known) res.setHeader('Retry-After', String(known.retryAfterSeconds));
    if (status === 401) challenge(res, known instanceof Unauthorized ? known.bearerError : undefined);
    const code = known?.code ?? 'internal_error';
    const message = known?.message ?? 'Sorry, there is a problem with the service. Try again later.';
    const details = known?.details ?? [];
    if (isApi(req) || !req.accepts('html'))
      return res.status(status).json({ error: { code, message, details } });
    const title =
      TITLES[status] ?? (status >= 500 ? 'Sorry, there is a problem with the service' : 'There is a problem');
    renderPage(req, res, 'error', { title, status, message, details }, status);
  };
}
