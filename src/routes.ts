import type { Express, Router } from 'express';
import path from 'node:path';
import { z } from 'zod';
import type { Services } from './compose';
import type { Config } from './config';
import { authApiRoutes, authRoutes } from './auth/auth.routes';
import { cohortApiRoutes, cohortRoutes } from './cohorts/cohorts.routes';
import { formApiRoutes, formRoutes } from './forms/forms.routes';
import { HELP_FILE, helpRoutes } from './help/help.routes';
import { moduleApiRoutes, moduleRoutes } from './modules/modules.routes';
import { deckExportApiRoutes, deckExportRoutes } from './exports/decks.routes';
import { documentApiRoutes, documentRoutes } from './exports/documents.routes';
import { metricsForAdmins } from './ops/health.routes';
import { privacyApiRoutes, privacyRoutes } from './privacy/privacy.routes';
import { progressApiRoutes, progressRoutes } from './progress/progress.routes';
import { reportApiRoutes, reportRoutes } from './reports/reports.routes';
import { reviewApiRoutes, reviewRoutes } from './reviews/reviews.routes';
import { responseApiRoutes, responseRoutes } from './responses/responses.routes';
import { searchApiRoutes, searchRoutes } from './search/search.routes';
import { adminHomeRoutes } from './pages/admin-home.routes';
import { auditRoutes } from './audit/audit.routes';
import { siteRoutes } from './site/site.routes';
import { userApiRoutes, userRoutes } from './users/users.routes';
import { variantApiRoutes, variantRoutes } from './variants/variants.routes';
import { buildApiRoutes, buildRoutes } from './exports/builds.routes';
import { xapiTermRoutes } from './xapi/extensions.routes';
import { xapiApiRoutes } from './xapi/xapi.routes';
import { messageApiRoutes, messagePublicRoutes, messageRoutes } from './messages/messages.routes';
import { ltiApiRoutes, ltiRoutes } from './lti/lti.routes';
import { badgeApiRoutes, badgeRoutes } from './badges/badges.routes';
import { ApiRouter, jsonResponse, type ApiOperation } from './web/api-route';
import { publicRoute, requireUser } from './web/guards';
import type { SessionSupport } from './web/middleware/session';
import { openApiDocumentOf, recordApi } from './web/openapi';

/** `GET /api/v1/openapi.json`: the document of the API this app serves. */
function openApiRoutes(): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      tag: 'meta',
      summary: 'This OpenAPI 3.1 document',
      ok: {
        200: jsonResponse(
          z.record(z.string(), z.unknown()),
          'The OpenAPI document (generate a typed client from it)',
        ),
      },
      answers: [400],
    },
    publicRoute,
    (req, res) => {
      res.json(openApiDocumentOf(req.app));
    },
  );
}

/** The /api/v1 routers: no two answer the same path, so their order is only the order they are tried in. */
export function apiRoutes(services: Services, config: Config): ApiRouter[] {
  return [
    openApiRoutes(), // /openapi.json
    authApiRoutes(services), // /auth/token
    documentApiRoutes(services), // /modules/:id.docx /sections/:id.docx /areas/:id.docx (before /modules/:id)
    moduleApiRoutes(services), // /pack /modules/:id
    deckExportApiRoutes(services), // /modules/:id/slides.pptx
    searchApiRoutes(services), // /search
    userApiRoutes(services, config), // /users
    progressApiRoutes(services), // /me/assignments /me/progress /me/modules/:id/complete /me/outcomes/:outcomeId
    variantApiRoutes(services), // /variants
    buildApiRoutes(services), // /packs/:versionId/trainer-pack(.zip)
    responseApiRoutes(services), // /me/responses
    formApiRoutes(services), // /me/forms /me/actions
    reportApiRoutes(services), // /cohorts/:id/learners/:userId
    cohortApiRoutes(services), // /cohorts /cohorts/:id and its members, assignments, variant, progress
    xapiApiRoutes(services), // /events
    privacyApiRoutes(services), // /me/export /users/:id/export /users/:id/erase
    messageApiRoutes(services), // /messages
    badgeApiRoutes(services), // /me/badges /badges/issue /badges/:id/revoke /badges/verify
    reviewApiRoutes(services), // /cohorts/:id/reviews /reviews/:id /me/outcomes/:outcomeId/reviews
    ltiApiRoutes(services), // /lti/platforms
  ];
}

/** The contracts of every /api/v1 route, as the API's routers registered them: what the OpenAPI document is made of. */
export function apiOperations(api: ApiRouter[]): ApiOperation[] {
  return api.flatMap((r) => r.operations);
}

/**
 * The page routers, in the order a request meets them. Each route names its own guard (src/web/guards.ts), so the
 * order decides only which of two routes on one path answers first (`/`: the admin's home, then everyone else's),
 * never who may use a route. The module page and the home page are most requests, so their routers come first.
 * Every router is mounted at `/` with its routes' whole paths: features share first segments (`/modules/:id` is
 * answered by four, `/cohorts/:id` by four), and a route in its file reads as the address people use.
 */
function pageRoutes(services: Services, sessions: SessionSupport, config: Config, root: string): Router[] {
  return [
    documentRoutes(services), // /modules/:id.docx /sections/:id.docx /areas/:id.docx (before /modules/:id takes `x.docx`)
    moduleRoutes(services), // /pack /modules/:id /modules/:id/slides
    deckExportRoutes(services), // /modules/:id/slides.pptx
    adminHomeRoutes(services), // / (admins) /guide/operations
    progressRoutes(services), // / /progress /modules/:id/complete /outcomes/:id
    helpRoutes(path.join(root, HELP_FILE)), // /help (public)
    siteRoutes(config), // /contact /accessibility /privacy /cookies (public)
    authRoutes(services, sessions, config), // /login /login/sso /logout /setup /password/set /account/password
    xapiTermRoutes(services), // /xapi/extensions/:name /xapi/activity-types/:name (public JSON-LD)
    metricsForAdmins(services.metrics), // /metrics
    searchRoutes(services), // /search
    userRoutes(services, config), // /users
    auditRoutes(services), // /audit
    variantRoutes(services), // /variants /cohorts/:id/variant
    buildRoutes(services), // /packs/:versionId/trainer-pack(.zip)
    responseRoutes(services), // /modules/:id/responses /cohorts/:id/shared
    formRoutes(services), // /modules/:id/submissions /modules/:id/entries /actions/:id
    reportRoutes(services), // /cohorts/:id/raids /cohorts/:id/learners/:userId /account/record
    cohortRoutes(services), // /cohorts /cohorts/:id /cohorts/:id/manage
    privacyRoutes(services), // /account/data /users/:id/data /users/:id/erase
    messagePublicRoutes(services), // /password/forgot /unsubscribe/:userId/:kind/:signature /calendar/:token.ics (public)
    messageRoutes(services), // /account/notifications /account/calendar /calendar/modules/:id.ics /admin/messages
    badgeRoutes(services), // /badges/issuer /badges/status/1 /badges/check /badges/:id (public) /account/badges /admin/badges
    reviewRoutes(services), // /cohorts/:id/reviews
    ltiRoutes(services, sessions, config.publicUrl), // /lti/login /lti/launch /lti/jwks (public) /admin/lti
  ];
}

/** The URL map: every page and /api/v1 route, mounted on the app; the API is recorded for its OpenAPI document. */
export function mountRoutes(
  app: Express,
  services: Services,
  sessions: SessionSupport,
  config: Config,
  root: string,
): void {
  const api = apiRoutes(services, config);
  recordApi(app, apiOperations(api), config.publicUrl);
  app.use(pageRoutes(services, sessions, config, root));
  app.use('/api/v1', ...api.map((r) => r.router));
  // a path no route answers: someone signed out is asked to sign in (or 401) rather than told what exists
  app.use(requireUser);
}
