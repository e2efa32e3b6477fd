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
import { requireUser } from './web/guards';
import type { SessionSupport } from './web/middleware/session';
import { openApiRoute } from './web/openapi';

/**
 * Every page and /api/v1 router, in mount order: the URL map. Pages and the API of a feature come from the same
 * file, and each route names its own guard (`src/web/guards.ts`), so the order here decides only which of two routes
 * on the same path answers first, never who may use one.
 */
export function routes(services: Services, sessions: SessionSupport, config: Config): Router {
  const router = Router();
  router.use(
    openApiRoute(config.publicUrl), // /api/v1/openapi.json
    authRoutes(services, sessions, config), // /login /login/sso /logout /setup /password/set /account/password
    xapiTermRoutes(services), // /xapi/extensions/:name /xapi/activity-types/:name (public JSON-LD)
  );
  router.use('/api/v1', authApiRoutes(services)); // POST /auth/token
  router.use(
    metricsForAdmins(services.metrics), // /metrics
    moduleRoutes(services), // /pack /modules/:id /modules/:id/slides
    searchRoutes(services), // /search
    userRoutes(services, config), // /users
    auditRoutes(services), // /audit
    adminHomeRoutes(services), // / (admins) /guide/operations
    progressRoutes(services), // / /progress /modules/:id/complete /outcomes/:id
    variantRoutes(services), // /variants /cohorts/:id/variant
    responseRoutes(services), // /modules/:id/responses /cohorts/:id/shared
    formRoutes(services), // /modules/:id/submissions /actions/:id
    reportRoutes(services), // /cohorts/:id/raids /cohorts/:id/learners/:userId
    cohortRoutes(services), // /cohorts /cohorts/:id /cohorts/:id/manage
    privacyRoutes(services), // /users/:id/data /users/:id/erase
  );
  router.use(
    '/api/v1',
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
  );
  // a path nobody answers: someone signed out is asked to sign in (or 401) rather than told what exists
  router.use(requireUser);
  return router;
}
