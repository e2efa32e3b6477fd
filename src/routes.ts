import { Router } from 'express';
import type { Services } from './compose';
import type { Config } from './config';
import { authApiRoutes, authRoutes } from './auth/auth.routes';
import { cohortApiRoutes, cohortRoutes } from './cohorts/cohorts.routes';
import { workApiRoutes, workRoutes } from './forms/work.routes';
import { moduleApiRoutes, moduleRoutes } from './modules/modules.routes';
import { metricsForAdmins } from './ops/health.routes';
import { privacyApiRoutes, privacyRoutes } from './privacy/privacy.routes';
import { progressApiRoutes, progressRoutes } from './progress/progress.routes';
import { userApiRoutes, userRoutes } from './users/users.routes';
import { variantApiRoutes, variantRoutes } from './variants/variants.routes';
import { requireUser } from './web/guards';
import type { SessionSupport } from './web/middleware/session';
import { openApiRoute } from './web/openapi';

/**
 * Every page and /api/v1 router, in mount order: the URL map. Pages and the API of a feature come from the same
 * file; everything after `requireUser` needs a signed-in person (pages redirect to /login, the API answers 401).
 */
export function routes(services: Services, sessions: SessionSupport, config: Config): Router {
  const router = Router();
  router.use(openApiRoute());
  router.use(authRoutes(services, sessions)); // /login /logout /setup /password/set /account/password
  router.use('/api/v1', authApiRoutes(services)); // POST /auth/token
  router.use(requireUser);
  router.use(metricsForAdmins(services.metrics)); // /metrics
  router.use(moduleRoutes(services)); // /pack /modules/:id /modules/:id/slides
  router.use('/api/v1', moduleApiRoutes(services));
  router.use(userRoutes(services, config)); // /users /audit
  router.use('/api/v1', userApiRoutes(services, config));
  router.use(progressRoutes(services)); // / /progress /modules/:id/complete /outcomes/:id
  router.use('/api/v1', progressApiRoutes(services)); // /me/assignments /me/progress /me/outcomes
  router.use(variantRoutes(services)); // /variants /cohorts/:id/variant
  router.use('/api/v1', variantApiRoutes(services));
  router.use(workRoutes(services)); // answers, forms, actions, shared answers, raids, learner records
  router.use('/api/v1', workApiRoutes(services)); // /me/responses /me/forms /me/actions /events
  router.use(cohortRoutes(services)); // /cohorts /cohorts/:id /cohorts/:id/manage
  router.use('/api/v1', cohortApiRoutes(services));
  router.use(privacyRoutes(services)); // /users/:id/data /users/:id/erase
  router.use('/api/v1', privacyApiRoutes(services));
  return router;
}
