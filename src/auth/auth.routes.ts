import { Router, type Request, type RequestHandler, type Response } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Services } from '../compose';
import type { Config } from '../config';
import type { SessionSupport } from '../web/middleware/session';
import type { SignedInUser } from './auth.service';
import { SignInRefused } from './sso.errors';
import { SIGN_IN_WINDOW_MS } from './sso.service';
import { SsoStrategy, type SsoAuthenticateOptions } from './sso.strategy';
import {
  changePasswordSchema,
  safeNext,
  setPasswordSchema,
  setupSchema,
  signInSchema,
  tokenResponseSchema,
} from './auth.schema';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { HttpError, Invalid, NotFound } from '../shared/errors';
import { actorOf } from '../web/actor';
import { formAction } from '../web/form-action';
import { publicRoute, requireUser } from '../web/guards';
import { challenge } from '../web/www-authenticate';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import { parseInput, zodDetails } from '../shared/validate';

const LINK_GONE = 'This link has expired or has already been used. Ask an administrator for a new one.';

function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function authRoutes(services: Services, sessions: SessionSupport, config: Config): Router {
  const router = Router();
  const passport = new Passport();
  passport.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
      (req, email, password, done) => {
        services.auth.checkCredentials(email, password, clientIp(req), 'page').then(
          (user) => done(null, user ?? false),
          (err: unknown) => done(err),
        );
      },
    ),
  );

  passport.use(new SsoStrategy(services.sso));

  const showLogin = (
    req: Request,
    res: Response,
    details: { field: string; message: string }[] = [],
    status = 200,
  ) =>
    renderPage(
      req,
      res,
      'auth/login',
      {
        title: 'Sign in',
        next: safeNext(req.query.next ?? (req.body as Record<string, unknown> | undefined)?.next),
        sso: services.sso.enabled ? { buttonText: services.sso.buttonText } : null,
        localPasswords: config.localPasswords,
        signedOut: req.query['signed-out'] === '1',
        email: typeof req.body?.email === 'string' ? req.body.email : '',
        errors: errorSummary(details),
        fieldErrors: fieldErrors(details),
      },
      status,
    );

  router.get('/login', publicRoute, async (req, res) => {
    // with single sign-on, the first people can arrive through it (an administrator by their role claim)
    if (!services.sso.enabled && (await services.users.count()) === 0) return res.redirect(303, '/setup');
    if (req.user) return res.redirect(303, '/');
    showLogin(req, res);
  });

  router.post('/login', publicRoute, (req, res, next) => {
    const parsed = signInSchema.safeParse(req.body);
    if (!parsed.success) return showLogin(req, res, zodDetails(parsed.error), 422);
    passport.authenticate('local', { session: false }, (err: unknown, user: SignedInUser | false) => {
      if (err instanceof HttpError && err.status === 429) {
        res.setHeader(
          'Retry-After',
          String((err as HttpError & { retryAfterSeconds: number }).retryAfterSeconds),
        );
        return showLogin(req, res, [{ field: 'email', message: err.message }], 429);
      }
      if (err) return next(err);
      if (!user) {
        challenge(res);
        return showLogin(
          req,
          res,
          [{ field: 'email', message: 'Enter a correct email address and password' }],
          401,
        );
      }
      services.auth.startSession(user, clientIp(req), req.sessionInfo?.idHash).then(({ sessionId }) => {
        sessions.startSessionCookie(req, res, sessionId);
        res.redirect(303, safeNext((req.body as Record<string, unknown>).next));
      }, next);
    })(req, res, next);
  });

  // Single sign-on: links (GET), never a form, so the page's CSP form-action cannot stop the hop to the provider.
  const ssoOnly: RequestHandler = (_req, _res, next) =>
    services.sso.enabled ? next() : next(new NotFound());
  const refusedPage = (req: Request, res: Response, err: SignInRefused) => {
    req.log.warn({ reason: err.reason }, 'single sign-on refused');
    renderPage(
      req,
      res,
      'auth/sso-refused',
      {
        title: 'You could not be signed in',
        message: err.message,
        sso: { buttonText: services.sso.buttonText },
      },
      err.status,
    );
  };

  router.get('/login/sso', publicRoute, ssoOnly, (req, res, next) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    const options: SsoAuthenticateOptions = {
      finishing: false,
      returnTo: safeNext(req.query.next),
      browserToken: sessions.ensureSignInBrowser(req, res, SIGN_IN_WINDOW_MS, services.sso.newBrowserToken),
      ip: clientIp(req),
    };
    passport.authenticate('oidc', options, (err: unknown) =>
      err instanceof SignInRefused ? refusedPage(req, res, err) : next(err),
    )(req, res, next);
  });

  router.get('/login/sso/callback', publicRoute, ssoOnly, (req, res, next) => {
    const options: SsoAuthenticateOptions = {
      finishing: true,
      browserToken: sessions.signInBrowser(req),
      ip: clientIp(req),
    };
    passport.authenticate(
      'oidc',
      options,
      (err: unknown, user: SignedInUser | false, info: { returnTo: string } | undefined) => {
        if (err instanceof SignInRefused) return refusedPage(req, res, err);
        if (err || !user) return next(err ?? new Error('single sign-on ended without a user'));
        services.auth
          .startSession(user, clientIp(req), req.sessionInfo?.idHash, 'sso')
          .then(({ sessionId }) => {
            sessions.startSessionCookie(req, res, sessionId);
            res.redirect(303, safeNext(info?.returnTo));
          }, next);
      },
    )(req, res, next);
  });

  // Signing out of Packway also signs out at the provider (RP-initiated logout) for people who signed in there; the
  // page's CSP allows the provider's origin in form-action, or the browser would block this redirect from the form.
  router.post('/logout', publicRoute, async (req, res) => {
    const providerSignOut = req.user ? await services.sso.signOutUrl(req.user.id) : null;
    if (req.sessionInfo) await services.auth.endSession(req.sessionInfo.idHash);
    sessions.clearSessionCookie(req, res);
    res.redirect(303, providerSignOut ?? '/login');
  });

  const setupGone = async () => (await services.users.count()) > 0;
  router.get('/setup', publicRoute, async (req, res, next) => {
    if (await setupGone()) return next(new NotFound());
    renderPage(req, res, 'auth/setup', { title: 'Set up Packway', values: {}, errors: [], fieldErrors: {} });
  });
  router.post(
    '/setup',
    publicRoute,
    async (req, _res, next) => ((await setupGone()) ? next(new NotFound()) : next()),
    formAction(
      async (req, res) => {
        const { code, email, name, password } = parseInput(setupSchema, req.body);
        if (!(await services.auth.setupCodeMatches(code))) {
          const message =
            'The set-up code is not right: copy it from the server log, where Packway printed it when it started';
          throw new Invalid([{ field: 'code', message }]);
        }
        const user = await services.users.create({ email, name, password, role: 'admin' }, null);
        await services.auth.forgetSetupCode();
        const { sessionId } = await services.auth.startSession(user, clientIp(req));
        sessions.startSessionCookie(req, res, sessionId);
        res.redirect(303, '/users');
      },
      (req, res, { errors, fieldErrors, values }, status) => {
        const kept = { ...values, password: '', confirm: '', code: '' };
        renderPage(
          req,
          res,
          'auth/setup',
          { title: 'Set up Packway', values: kept, errors, fieldErrors },
          status,
        );
      },
    ),
  );

  router.get('/password/set', publicRoute, async (req, res, next) => {
    const token = String(req.query.token ?? '');
    if (!(await services.auth.userForPasswordLink(token))) return next(new NotFound(LINK_GONE));
    renderPage(req, res, 'auth/set-password', {
      title: 'Set your password',
      token,
      errors: [],
      fieldErrors: {},
    });
  });
  const linkToken = (req: Request) => String((req.body as Record<string, unknown>).token ?? '');
  router.post(
    '/password/set',
    publicRoute,
    async (req, _res, next) =>
      (await services.auth.userForPasswordLink(linkToken(req))) ? next() : next(new NotFound(LINK_GONE)),
    formAction(
      async (req, res) => {
        const userId = await services.auth.userForPasswordLink(linkToken(req));
        if (!userId) throw new NotFound(LINK_GONE);
        const { password } = parseInput(setPasswordSchema, req.body);
        await services.users.setPassword(userId, password, clientIp(req));
        const { sessionId } = await services.auth.startSession(
          await services.users.get(userId),
          clientIp(req),
        );
        sessions.startSessionCookie(req, res, sessionId);
        res.redirect(303, '/');
      },
      (req, res, { errors, fieldErrors }, status) =>
        renderPage(
          req,
          res,
          'auth/set-password',
          { title: 'Set your password', token: linkToken(req), errors, fieldErrors },
          status,
        ),
    ),
  );

  router.get('/account/password', requireUser, (req, res) => {
    renderPage(req, res, 'auth/change-password', {
      title: 'Change your password',
      errors: [],
      fieldErrors: {},
      done: req.query.done === '1',
    });
  });
  router.post(
    '/account/password',
    requireUser,
    formAction(
      async (req, res) => {
        const me = actorOf(req);
        const { current, password } = parseInput(changePasswordSchema, req.body);
        if (!(await services.auth.passwordMatches(me.id, current))) {
          throw new Invalid([{ field: 'current', message: 'Your current password is not correct' }]);
        }
        await services.users.setPassword(me.id, password, clientIp(req));
        const { sessionId } = await services.auth.startSession(me, clientIp(req));
        sessions.startSessionCookie(req, res, sessionId);
        res.redirect(303, '/account/password?done=1');
      },
      (req, res, { errors, fieldErrors }, status) =>
        renderPage(
          req,
          res,
          'auth/change-password',
          { title: 'Change your password', errors, fieldErrors, done: false },
          status,
        ),
    ),
  );
  return router;
}

export function authApiRoutes(services: Services): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'post',
      path: '/auth/token',
      operationId: 'createToken',
      tag: 'auth',
      summary: 'Exchange an email address and password for a bearer token',
      body: signInSchema,
      ok: { 201: jsonResponse(tokenResponseSchema, 'The token and when it expires') },
      answers: [401, 403, 429],
    },
    publicRoute,
    async (req, res) => {
      const { email, password } = parseInput(signInSchema, req.body);
      const user = await services.auth.checkCredentials(email, password, clientIp(req), 'api');
      if (!user) throw new HttpError(401, 'unauthorized', 'Email address or password is not correct');
      res.status(201).json(await services.auth.issueToken(user, clientIp(req)));
    },
  );
}
