import { Router } from 'express';
import type { Services } from './compose';
import type { Config } from './config';
import { authApiRoutes, authRoutes } from './auth/auth.routes';
import { cohortApiRoutes, cohortRoutes } from './cohorts/cohorts.routes';
import { formApiRoutes, formRoutes } from './forms/forms.routes';
import { moduleApiRoutes, moduleRoutes } from './modules/modules.routes';
import { metricsForAdmins } from './ops/health.routes';
import { privacyApiRoutes, privacyRoutes } from './privacy/privacy.routes';
import { progressApiRoutes, progressRoutes } from './progress/progress.routes';
import { reportApiRoutes, reportRoutes } from './reports/reports.routes';
import { responseApiRoutes, responseRoutes } from './responses/responses.routes';
import { searchApiRoutes, searchRoutes } from './search/search.routes';
import { adminHomeRoutes } from './pages/admin-home.routes';
import { auditRoutes } from './audit/audit.routes';
import { userApiRoutes, userRoutes } from './users/users.routes';
import { variantApiRoutes, variantRoutes } from './variants/variants.routes';
import { xapiTermRoutes } from './xapi/extensions.routes';
import { xapiApiRoutes } from './xapi/xapi.routes';
import { messageApiRoutes, messagePublicRoutes, messageRoutes } from './messages/messages.routes';
import { bySegment } from './web/by-segment';
import { requireUser } from './web/guards';
import type { SessionSupport } from './web/middleware/session';
import { openApiRoute } from './web/openapi';

/**
 * Every page and /api/v1 router, in mount order: the URL map. Pages and the API of a feature come from the same
 * file; everything after `requireUser` needs a signed-in person (pages redirect to /login, the API answers 401).
 */
export function routes(services: Services, sessions: SessionSupport, config: Config): Router {
  const router = Router();
  router.use(
    bySegment([
      openApiRoute(config.publicUrl), // /api/v1/openapi.json
      authRoutes(services, sessions, config), // /login /login/sso /logout /setup /password/set /account/password
      xapiTermRoutes(services), // /xapi/extensions/:name /xapi/activity-types/:name (public JSON-LD)
      messagePublicRoutes(services), // /password/forgot /unsubscribe/:userId/:kind/:signature /calendar/:token.ics
    ]),
  );
  router.use('/api/v1', authApiRoutes(services)); // POST /auth/token
  router.use(requireUser);
  // pages and the API never share a path, so each is one list in the order its routers must be tried
  router.use(
    bySegment([
      metricsForAdmins(services.metrics), // /metrics
      moduleRoutes(services), // /pack /modules/:id /modules/:id/slides
      searchRoutes(services), // /search
      userRoutes(services, config), // /users
      auditRoutes(services), // /audit
      adminHomeRoutes(services), // / (admins) /guide/operations
      progressRoutes(services), // / /progress /modules/:id/complete /outcomes/:id
      variantRoutes(services), // /variants /cohorts/:id/variant
      // before the cohorts router, which admits only trainers and admins under /cohorts (members read shared answers)
      responseRoutes(services), // /modules/:id/responses /cohorts/:id/shared
      formRoutes(services), // /modules/:id/submissions /actions/:id
      reportRoutes(services), // /cohorts/:id/raids /cohorts/:id/learners/:userId
      cohortRoutes(services), // /cohorts /cohorts/:id /cohorts/:id/manage
      privacyRoutes(services), // /users/:id/data /users/:id/erase
      messageRoutes(services), // /account/notifications /account/calendar /calendar/modules/:id.ics /admin/messages
    ]),
  );
  router.use(
    '/api/v1',
    bySegment([
      moduleApiRoutes(services),
      searchApiRoutes(services), // /search
      userApiRoutes(services, config),
      progressApiRoutes(services), // /me/assignments /me/progress /me/outcomes
      variantApiRoutes(services),
      responseApiRoutes(services), // /me/responses
      formApiRoutes(services), // /me/forms /me/actions
      reportApiRoutes(services), // /cohorts/:id/learners/:userId
      xapiApiRoutes(services), // /events
      cohortApiRoutes(services),
      privacyApiRoutes(services),
      messageApiRoutes(services), // /messages
    ]),
  );
  return router;
}
