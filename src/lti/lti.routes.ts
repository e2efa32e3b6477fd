import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import type { SessionSupport } from '../web/middleware/session';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { actorOf } from '../web/actor';
import { formAction, type FormProblems } from '../web/form-action';
import { publicRoute, requireCohortAccess, requireRole } from '../web/guards';
import { cohortId, cohortParams } from '../cohorts/manage-page';
import { renderPage } from '../web/render';
import { allowFormAction, allowFraming } from '../web/middleware/security-headers';
import { parseInput } from '../shared/validate';
import { LaunchRefused } from './lti.errors';
import { platformJson, rosterSynced } from './lti.presenter';
import {
  deepLinkChoiceSchema,
  launchFormSchema,
  registrationQuerySchema,
  loginInitiationSchema,
  platformFormSchema,
  platformInputSchema,
  platformListSchema,
  platformParams,
  platformError,
  platformSchema,
  rosterSyncSchema,
  rotatedKeySchema,
  windowLinkSchema,
} from './lti.schema';
import { safeNext } from '../auth/auth.schema';

const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

const BAD_LAUNCH =
  'Your learning platform sent Packway something it cannot open. Go back to your course and try again.';

function refusedPage(req: Request, res: Response, err: LaunchRefused): void {
  req.log.warn({ reason: err.reason }, 'LTI launch refused');
  // shown in the platform's frame, whichever platform it is: the page has no session, no form and nothing to click
  // for a framing page to trick anyone into, and with frame-ancestors 'none' the person would see a blocked frame
  allowFraming(res, '*');
  res.locals.user = undefined; // so the page carries no sign-out form either, whoever else this browser is
  res.locals.newWindow = undefined;
  renderPage(
    req,
    res,
    'lti/refused',
    { title: 'Packway could not be opened', message: err.message },
    err.status,
  );
}

/** The addresses a platform is given when Packway is added to it. */
function toolUrls(publicUrl: string) {
  const at = (path: string) => new URL(path, publicUrl).href;
  return { login: at('/lti/login'), launch: at('/lti/launch'), jwks: at('/lti/jwks'), target: at('/') };
}

/** LTI 1.3: the platform-facing endpoints (public: the platform's signed tokens are the authority) and /admin/lti. */
export function ltiRoutes(services: Services, sessions: SessionSupport, publicUrl: string): Router {
  const router = Router();
  const lti = services.lti;

  router.get('/lti/jwks', publicRoute, async (_req, res) => {
    // platforms fetch it from their servers; it may be cached for a while (a rotated-out key stays published)
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(await lti.jwks());
  });

  // third-party initiated login: a GET (link) or a POST (form) from the platform, never carrying a Packway cookie
  const login = async (req: Request, res: Response) => {
    const input = req.method === 'POST' ? req.body : req.query;
    const parsed = loginInitiationSchema.safeParse(input);
    if (!parsed.success) {
      const err = new LaunchRefused(
        400,
        BAD_LAUNCH,
        'login initiation without iss, login_hint or target_link_uri',
      );
      return refusedPage(req, res, err);
    }
    try {
      res.redirect(303, (await lti.begin(parsed.data, clientIp(req))).href);
    } catch (err) {
      if (err instanceof LaunchRefused) return refusedPage(req, res, err);
      throw err;
    }
  };
  router.get('/lti/login', publicRoute, login);
  router.post('/lti/login', publicRoute, login);

  router.post('/lti/launch', publicRoute, async (req, res) => {
    const parsed = launchFormSchema.safeParse(req.body);
    try {
      if (!parsed.success) {
        const answer = platformError.safeParse(req.body);
        if (answer.success) await lti.platformRefused(answer.data, clientIp(req));
        throw new LaunchRefused(400, BAD_LAUNCH, 'launch without id_token or state');
      }
      const done = await lti.finish(parsed.data.id_token, parsed.data.state, clientIp(req));
      const { sessionId } = await services.auth.startSession(
        done.user,
        clientIp(req),
        req.sessionInfo?.idHash,
        'lti',
        {
          platformId: done.platformId,
          origin: done.frameOrigin,
        },
      );
      sessions.startSessionCookie(req, res, sessionId, true);
      res.redirect(303, done.landing);
    } catch (err) {
      if (err instanceof LaunchRefused) return refusedPage(req, res, err);
      throw err;
    }
  });

  router.get('/lti/window', publicRoute, async (req, res) => {
    const link = windowLinkSchema.safeParse(req.query);
    const user = link.success
      ? await lti.openWindow(link.data.u, (idHash) => sessions.windowLinkHolds(link.data, idHash))
      : undefined;
    if (!link.success || !user) {
      const message =
        'This link has expired. Go back to your course on your learning platform and open Packway again.';
      return renderPage(req, res, 'lti/refused', { title: 'Packway could not be opened', message }, 400);
    }
    const { sessionId } = await services.auth.startSession(
      user,
      clientIp(req),
      req.sessionInfo?.idHash,
      'lti',
    );
    sessions.startSessionCookie(req, res, sessionId);
    res.redirect(303, safeNext(link.data.to));
  });

  // Dynamic Registration: opened by the platform (often in its own frame) for an administrator there; the
  // registration token is the authority, so no Packway sign-in
  router.get('/lti/register', publicRoute, async (req, res) => {
    const query = registrationQuerySchema.safeParse(req.query);
    const origin = query.success ? URL.parse(query.data.openid_configuration)?.origin : undefined;
    if (origin && origin !== 'null') allowFraming(res, origin);
    res.locals.user = undefined;
    res.locals.newWindow = undefined;
    try {
      if (!query.success)
        throw new LaunchRefused(400, BAD_LAUNCH, 'registration without openid_configuration');
      const done = await services.ltiRegistration.register(
        {
          openidConfiguration: query.data.openid_configuration,
          registrationToken: query.data.registration_token ?? null,
        },
        clientIp(req),
      );
      renderPage(req, res, 'lti/registered', {
        title: 'Packway is registered',
        platform: done.platform.name,
        origin: done.origin,
      });
    } catch (err) {
      if (!(err instanceof LaunchRefused)) throw err;
      req.log.warn({ reason: err.reason }, 'LTI dynamic registration refused');
      renderPage(
        req,
        res,
        'lti/registration-refused',
        { title: 'Packway could not be registered', message: err.message },
        err.status,
      );
    }
  });

  router.get('/lti/canvas.json', publicRoute, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(services.ltiRegistration.canvasConfiguration());
  });

  // deep linking: the teacher who launched it chooses modules; the answer goes back to the platform signed
  const teacher = requireRole('trainer', 'admin');
  const picker = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const token = String(req.params.token);
    renderPage(
      req,
      res,
      'lti/deep-linking',
      {
        title: 'Add Packway to your course',
        token,
        ...(await lti.deepLinkPicker(actorOf(req), token)),
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/lti/deep-linking/:token', teacher, (req, res) => picker(req, res));
  router.post(
    '/lti/deep-linking/:token',
    teacher,
    formAction(async (req, res) => {
      const { modules } = parseInput(deepLinkChoiceSchema, req.body);
      const answer = await lti.deepLinkAnswer(actorOf(req), String(req.params.token), modules);
      allowFormAction(res, new URL(answer.returnUrl).origin);
      renderPage(req, res, 'lti/deep-linking-return', { title: 'Adding to your course', ...answer });
    }, picker),
  );

  const admin = requireRole('admin');
  const adminPage = async (req: Request, res: Response, problems?: FormProblems, status = 200) =>
    renderPage(
      req,
      res,
      'lti/admin',
      {
        title: 'Learning platforms (LTI 1.3)',
        platforms: (await lti.platforms()).map(platformJson),
        keys: await lti.keys(),
        urls: toolUrls(publicUrl),
        values: problems?.values ?? { adminRole: 'trainer' },
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );

  router.get('/admin/lti', admin, (req, res) => adminPage(req, res));
  router.post(
    '/admin/lti',
    admin,
    formAction(
      async (req, res) => {
        const platform = await lti.register(actorOf(req), parseInput(platformFormSchema, req.body));
        await req.flash(`${platform.name} is registered. It can launch Packway now.`);
        res.redirect(303, '/admin/lti');
      },
      (req, res, problems, status) => adminPage(req, res, problems, status),
    ),
  );
  router.post('/admin/lti/:id/delete', admin, async (req, res) => {
    const { id } = parseInput(platformParams, req.params);
    const platform = await lti.remove(actorOf(req), id);
    await req.flash(
      `${platform.name} is removed: it can no longer launch Packway, and its launches' sessions have ended.`,
    );
    res.redirect(303, '/admin/lti');
  });
  router.post('/cohorts/:id/lti-sync', requireCohortAccess('trainer', 'admin'), async (req, res) => {
    const done = await services.ltiRoster.sync(actorOf(req), cohortId(req));
    await req.flash(rosterSynced(done));
    res.redirect(303, `/cohorts/${done.cohortId}/manage`);
  });
  router.post('/admin/lti/keys/rotate', admin, async (req, res) => {
    await lti.rotateKey(actorOf(req));
    await req.flash(
      'Packway has a new key. The old one stays published for a day, until nothing it signed is in use.',
    );
    res.redirect(303, '/admin/lti');
  });
  return router;
}

export function ltiApiRoutes(services: Services): ApiRouter {
  const lti = services.lti;
  const admin = requireRole('admin');
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/lti/platforms',
        operationId: 'listLtiPlatforms',
        tag: 'lti',
        summary: 'The learning platforms registered to launch Packway (LTI 1.3)',
        ok: { 200: jsonResponse(platformListSchema, 'Every registered platform') },
      },
      admin,
      async (_req, res) => {
        res.json({ platforms: (await lti.platforms()).map(platformJson) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/lti/platforms',
        operationId: 'registerLtiPlatform',
        tag: 'lti',
        summary: 'Register a learning platform by hand (its issuer, client ID, deployments and endpoints)',
        body: platformInputSchema,
        ok: { 201: jsonResponse(platformSchema, 'The platform, registered') },
        answers: [409],
      },
      admin,
      async (req, res) => {
        const platform = await lti.register(actorOf(req), parseInput(platformInputSchema, req.body));
        res.status(201).json(platformJson(platform));
      },
    )
    .route(
      {
        method: 'post',
        path: '/lti/keys/rotate',
        operationId: 'rotateLtiToolKey',
        tag: 'lti',
        summary: "Make a new key for Packway's signed tokens; the old one stays published for a day",
        ok: { 201: jsonResponse(rotatedKeySchema, 'The new key id and the one it replaced') },
      },
      admin,
      async (req, res) => {
        res.status(201).json(await lti.rotateKey(actorOf(req)));
      },
    )
    .route(
      {
        method: 'post',
        path: '/cohorts/:id/lti-sync',
        operationId: 'syncCohortFromLms',
        tag: 'lti',
        summary:
          "Bring a cohort made from an LMS course in step with the course's members (LTI Names and Role Provisioning)",
        params: cohortParams,
        ok: { 200: jsonResponse(rosterSyncSchema, 'What the sync changed') },
        answers: [409, 503],
      },
      requireCohortAccess('trainer', 'admin'),
      async (req, res) => {
        res.json(await services.ltiRoster.sync(actorOf(req), cohortId(req)));
      },
    )
    .route(
      {
        method: 'delete',
        path: '/lti/platforms/:id',
        operationId: 'removeLtiPlatform',
        tag: 'lti',
        summary: 'Remove a platform: it can no longer launch Packway, and the sessions its launches made end',
        params: platformParams,
        ok: { 204: { description: 'Removed' } },
      },
      admin,
      async (req, res) => {
        const { id } = parseInput(platformParams, req.params);
        await lti.remove(actorOf(req), id);
        res.status(204).end();
      },
    );
}
