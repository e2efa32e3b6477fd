import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../../config';

/**
 * Helmet's headers are the same on every response here (no nonces), so helmet runs once at start-up and its output
 * is replayed: the same headers for a fraction of the per-request work. The CSP allows no inline script or style.
 */
export function securityHeaders(config: Config): RequestHandler {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  const once = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // signing out redirects from the sign-out form to the provider (RP-initiated logout): Chromium applies
        // form-action to a form's redirects too, so without the provider's origin the click would do nothing
        formAction: ["'self'", ...(config.sso ? [config.sso.issuer.origin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: config.NODE_ENV === 'production' ? undefined : false,
    crossOriginEmbedderPolicy: false,
  });
  once({} as Request, recorder as unknown as Response, () => undefined);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * Lets `origin` (and only it) frame this response: the session was made by an LTI launch from the platform there.
 * Every other response keeps `frame-ancestors 'none'` (and helmet's X-Frame-Options, which would otherwise forbid it).
 */
export function allowFraming(res: Response, origin: string): void {
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp === 'string')
    res.setHeader(
      'Content-Security-Policy',
      csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${origin}`),
    );
  res.removeHeader('X-Frame-Options');
}

/**
 * Lets this response's forms post to `origin` too (CSP form-action): a deep linking answer is a form posted to the
 * learning platform's return address.
 */
export function allowFormAction(res: Response, origin: string): void {
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp === 'string')
    res.setHeader('Content-Security-Policy', csp.replace(/form-action ([^;]*)/, `form-action $1 ${origin}`));
}
