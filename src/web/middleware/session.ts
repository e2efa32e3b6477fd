import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppConfig } from '../../config';
import type { AuthService } from '../../auth/auth.service';
import { hashToken } from '../../auth/password';
import { Forbidden, Unauthorized } from '../../shared/errors';
import { allowFraming } from './security-headers';

export const SESSION_COOKIE = 'packway_session';
const ANON_COOKIE = 'packway_anon';
/** Binds a single sign-in under way to the browser that started it (SameSite=Lax: it comes back on the provider's
 * top-level redirect, which is why the provider is asked to answer in the query string, not with a form post). */
const SIGN_IN_COOKIE = 'packway_signin';
const SIGN_IN_COOKIE_PATH = '/login/sso';
/** How long an "Open in a new window" link of a framed page signs its person in. */
const WINDOW_LINK_MS = 60 * 60_000;

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !(name in out)) {
      try {
        out[name] = decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        // a malformed cookie is ignored, never fatal
      }
    }
  }
  return out;
}

function sign(value: string, secret: string): string {
  return `${value}.${crypto.createHmac('sha256', secret).update(value).digest('base64url')}`;
}

function unsign(signed: string, secret: string): string | undefined {
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  const expected = Buffer.from(sign(value, secret));
  const actual = Buffer.from(signed);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual) ? value : undefined;
}

/**
 * Session cookies already checked, each with the hash its session is stored under: a browser sends the same cookie on
 * every request, and checking a signature and hashing the id cost more than the rest of reading the session. Only
 * cookies whose signature held are kept, so a forged one is checked every time; whether the session is still valid is
 * asked of the database on every request as before. Emptied when full rather than kept in order: a miss costs little.
 */
const VERIFIED_KEPT = 10_000;

function verifiedCookies(secret: string) {
  const idHashOf = new Map<string, string>();
  return (raw: string): string | undefined => {
    let idHash = idHashOf.get(raw);
    if (idHash) return idHash;
    const sessionId = unsign(raw, secret);
    if (!sessionId) return undefined;
    idHash = hashToken(sessionId);
    if (idHashOf.size >= VERIFIED_KEPT) idHashOf.clear();
    idHashOf.set(raw, idHash);
    return idHash;
  };
}

/** Cookies signed with `config.sessionSecret` (see `AuthService.cookieSecret`: the same on every instance). */
export function createSessionSupport(config: AppConfig, auth: AuthService) {
  const sessionIdHash = verifiedCookies(config.sessionSecret);

  function cookieOptions(req: Request, maxAgeMs?: number, cookiePath = '/'): string {
    const parts = [`Path=${cookiePath}`, 'HttpOnly', 'SameSite=Lax'];
    if (req.secure) parts.push('Secure');
    if (maxAgeMs !== undefined) parts.push(`Max-Age=${Math.floor(maxAgeMs / 1000)}`);
    return parts.join('; ');
  }

  /**
   * The cookie of a session made by an LTI launch, which lives in the platform's frame: sent on cross-site requests
   * (SameSite=None, which browsers accept only with Secure: https, or http://localhost, which browsers treat as
   * secure), and kept apart per top-level site (Partitioned, CHIPS), so browsers that block third-party cookies still
   * keep it. Written by hand: Express's cookie serialiser does not know Partitioned.
   */
  function framedCookieOptions(maxAgeMs?: number): string {
    const parts = ['Path=/', 'HttpOnly', 'SameSite=None', 'Secure', 'Partitioned'];
    if (maxAgeMs !== undefined) parts.push(`Max-Age=${Math.floor(maxAgeMs / 1000)}`);
    return parts.join('; ');
  }

  function setCookie(res: Response, name: string, value: string, options: string): void {
    const prior = res.getHeader('Set-Cookie');
    const list = Array.isArray(prior) ? prior : prior ? [String(prior)] : [];
    res.setHeader('Set-Cookie', [...list, `${name}=${encodeURIComponent(value)}; ${options}`]);
  }

  /** Reads the bearer token or the session cookie: one query either way. */
  const load: RequestHandler = async (req, res, next) => {
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(authz);
      const user = match ? await auth.userForToken(match[1]) : undefined;
      if (!user) return next(new Unauthorized('Missing, expired or revoked API token', 'invalid_token'));
      req.user = user;
      req.authVia = 'bearer';
      return next();
    }
    const cookies = parseCookies(req.headers.cookie);
    const raw = cookies[SESSION_COOKIE];
    const idHash = raw ? sessionIdHash(raw) : undefined;
    if (!idHash) return next();
    const session = await auth.resumeSession(idHash, !req.originalUrl.startsWith('/api/'));
    if (!session) {
      setCookie(res, SESSION_COOKIE, '', cookieOptions(req, 0));
      return next();
    }
    req.user = session.user;
    req.authVia = 'session';
    req.sessionInfo = {
      idHash,
      csrfToken: session.csrfToken,
      previewVersionId: session.previewVersionId,
      frameOrigin: session.frameOrigin,
    };
    if (session.frameOrigin) allowFraming(res, session.frameOrigin);
    if (session.flash) res.locals.flash = session.flash;
    return next();
  };

  /** The CSRF token for this request: the session's, or for a signed-out visitor one bound to an anonymous cookie. */
  function csrfToken(req: Request, res: Response): string {
    if (req.sessionInfo) return req.sessionInfo.csrfToken;
    const cookies = parseCookies(req.headers.cookie);
    let anon = cookies[ANON_COOKIE] ? unsign(cookies[ANON_COOKIE], config.sessionSecret) : undefined;
    if (!anon) {
      anon = crypto.randomBytes(18).toString('base64url');
      setCookie(res, ANON_COOKIE, sign(anon, config.sessionSecret), cookieOptions(req));
      // the new cookie is not on this request yet; remember it for the rest of the response
      const cookie = `${ANON_COOKIE}=${encodeURIComponent(sign(anon, config.sessionSecret))}`;
      req.headers.cookie = req.headers.cookie ? `${req.headers.cookie}; ${cookie}` : cookie;
    }
    return crypto.createHmac('sha256', config.sessionSecret).update(`anon:${anon}`).digest('base64url');
  }

  /** Refuses unsafe requests made with cookies unless they carry the synchroniser token. */
  const verifyCsrf: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.authVia === 'bearer') return next();
    // a one-click unsubscribe (RFC 8058) comes from a mail program with no cookie or form: its signed address proves it
    if (req.path.startsWith('/unsubscribe/')) return next();
    // an LTI launch is a cross-site form post from the learning platform: its signed id_token and one-time state
    // prove it (and its login initiation carries nothing a forger could use)
    if (req.path === '/lti/launch' || req.path === '/lti/login') return next();
    // An API call that carries no session cookie has no ambient authority a forged request could borrow.
    if (req.originalUrl.startsWith('/api/') && req.authVia !== 'session') return next();
    const body = req.body as Record<string, unknown> | undefined;
    // The token comes in the form body (uploads are parsed before this check) or a header, never the address bar.
    const sent =
      (typeof body?._csrf === 'string' ? body._csrf : undefined) ??
      (typeof req.headers['x-csrf-token'] === 'string' ? req.headers['x-csrf-token'] : undefined);
    const expected = csrfToken(req, _res);
    const ok =
      sent !== undefined &&
      sent.length === expected.length &&
      crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
    if (!ok)
      return next(
        new Forbidden(
          'The form has expired or did not come from this site. Go back, reload the page and try again.',
        ),
      );
    return next();
  };

  /** A message for the next page this browser session shows (nothing for API callers, who read the response). */
  async function flash(req: Request, text: string): Promise<void> {
    if (req.sessionInfo && req.authVia === 'session') await auth.leaveFlash(req.sessionInfo.idHash, text);
  }

  /** The session's cookie: `framed` for a session made by an LTI launch (see framedCookieOptions). */
  function startSessionCookie(req: Request, res: Response, sessionId: string, framed = false): void {
    const options = framed ? framedCookieOptions() : cookieOptions(req);
    setCookie(res, SESSION_COOKIE, sign(sessionId, config.sessionSecret), options);
  }

  function clearSessionCookie(req: Request, res: Response): void {
    if (req.sessionInfo?.frameOrigin) setCookie(res, SESSION_COOKIE, '', framedCookieOptions(0));
    else setCookie(res, SESSION_COOKIE, '', cookieOptions(req, 0));
  }

  /**
   * A page in a platform's frame offers to open itself in a window of its own. The new window is a first-party context
   * where the partitioned cookie is not sent, so the link carries a signature over the person, the page, a time limit
   * and the framed session's id hash (never the id itself): it signs the person in only while that session lives.
   */
  function windowSignature(userId: number, to: string, until: string, idHash: string): string {
    return crypto
      .createHmac('sha256', config.sessionSecret)
      .update(`lti-window|${userId}|${to}|${until}|${idHash}`)
      .digest('base64url');
  }

  function newWindowLink(req: Request): string | undefined {
    const info = req.sessionInfo;
    if (!info?.frameOrigin || !req.user) return undefined;
    const here = req.originalUrl;
    const to = req.method === 'GET' && here.startsWith('/') && !here.startsWith('//') ? here : '/';
    const until = String(Date.now() + WINDOW_LINK_MS);
    const sig = windowSignature(req.user.id, to, until, info.idHash);
    return `/lti/window?${new URLSearchParams({ u: String(req.user.id), to, until, sig }).toString()}`;
  }

  /** Whether a new-window link was signed for the framed session with this id hash, and is still in time. */
  function windowLinkHolds(
    link: { u: number; to: string; until: string; sig: string },
    idHash: string,
  ): boolean {
    if (!/^\d{1,15}$/.test(link.until) || Number(link.until) < Date.now()) return false;
    const expected = Buffer.from(windowSignature(link.u, link.to, link.until, idHash));
    const actual = Buffer.from(link.sig);
    return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
  }

  /** This browser's sign-in cookie value, read from the request. */
  function signInBrowser(req: Request): string | undefined {
    const raw = parseCookies(req.headers.cookie)[SIGN_IN_COOKIE];
    return raw ? unsign(raw, config.sessionSecret) : undefined;
  }

  /** The browser's sign-in cookie, set now if it has none (two sign-ins in two tabs share it). */
  function ensureSignInBrowser(req: Request, res: Response, maxAgeMs: number, make: () => string): string {
    const value = signInBrowser(req) ?? make();
    setCookie(
      res,
      SIGN_IN_COOKIE,
      sign(value, config.sessionSecret),
      cookieOptions(req, maxAgeMs, SIGN_IN_COOKIE_PATH),
    );
    return value;
  }

  return {
    load,
    verifyCsrf,
    csrfToken,
    flash,
    startSessionCookie,
    clearSessionCookie,
    signInBrowser,
    ensureSignInBrowser,
    newWindowLink,
    windowLinkHolds,
  };
}
export type SessionSupport = ReturnType<typeof createSessionSupport>;
