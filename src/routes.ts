import type { Express, Router } from 'express';
import path from 'node:path';
import { z } from 'zod';
import type { Services } from './compose';
import type { Config } from './config';
import { authApiRoutes, authRoutes } from './auth/auth.routes';
import { cohortApiRoutes, cohortRoutes } from './cohorts/cohorts.routes';
import {
  assignmentIdJsonSchema,
  assignmentSchema,
  cohortDetailJsonSchema,
  cohortJsonSchema,
  cohortListJsonSchema,
  cohortProgressJsonSchema,
  cohortSchema,
  dueDateSchema,
  enrolmentJsonSchema,
  membersSchema,
  pinJsonSchema,
  pinSchema,
} from './cohorts/cohorts.schema';
import { formApiRoutes, formRoutes } from './forms/forms.routes';
import { HELP_FILE, helpRoutes } from './help/help.routes';
import { moduleApiRoutes, moduleRoutes } from './modules/modules.routes';
import { metricsForAdmins } from './ops/health.routes';
import { privacyApiRoutes, privacyRoutes } from './privacy/privacy.routes';
import { progressApiRoutes, progressRoutes } from './progress/progress.routes';
import { reportApiRoutes, reportRoutes } from './reports/reports.routes';
import { responseApiRoutes, responseRoutes } from './responses/responses.routes';
import { searchApiRoutes, searchRoutes } from './search/search.routes';
import { adminHomeRoutes } from './pages/admin-home.routes';
import { auditRoutes } from './audit/audit.routes';
import { siteRoutes } from './site/site.routes';
import { userApiRoutes, userRoutes } from './users/users.routes';
import { variantApiRoutes, variantRoutes } from './variants/variants.routes';
import { xapiTermRoutes } from './xapi/extensions.routes';
import { xapiApiRoutes } from './xapi/xapi.routes';
import { ApiRouter, intId, jsonResponse, type ApiOperation } from './web/api-route';
import { guardOf, publicRoute, requireCohortAccess, requireRole, requireUser } from './web/guards';
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

/**
 * TEMPORARY, until cohorts.routes.ts registers its API with its contracts (after the cohorts split): the contracts
 * of its routes, with the guard its prefix middleware applies.
 */
function cohortContracts(): ApiOperation[] {
  const guard = (handler: unknown) => guardOf(handler)!;
  const staff = guard(requireRole('trainer', 'admin'));
  const cohort = guard(requireCohortAccess('trainer', 'admin'));
  const cohortParams = z.object({ id: intId('The cohort') });
  return [
    {
      method: 'get',
      path: '/cohorts',
      operationId: 'listCohorts',
      tag: 'cohorts',
      summary: 'The cohorts you run (every cohort, for an admin)',
      ok: { 200: jsonResponse(cohortListJsonSchema, 'The cohorts') },
      guard: staff,
    },
    {
      method: 'post',
      path: '/cohorts',
      operationId: 'createCohort',
      tag: 'cohorts',
      summary: 'Create a cohort (you become its trainer), optionally pinned to a variant version',
      body: cohortSchema,
      ok: { 201: jsonResponse(cohortJsonSchema, 'The cohort created') },
      answers: [404],
      guard: staff,
    },
    {
      method: 'get',
      path: '/cohorts/:id',
      operationId: 'getCohort',
      tag: 'cohorts',
      summary: 'A cohort with its trainers, members and assignments',
      params: cohortParams,
      ok: { 200: jsonResponse(cohortDetailJsonSchema, 'The cohort') },
      guard: cohort,
    },
    {
      method: 'post',
      path: '/cohorts/:id/members',
      operationId: 'enrolMembers',
      tag: 'cohorts',
      summary: 'Enrol learners by email address or by user id',
      params: cohortParams,
      body: membersSchema,
      ok: { 201: jsonResponse(enrolmentJsonSchema, 'How many were enrolled') },
      guard: cohort,
    },
    {
      method: 'delete',
      path: '/cohorts/:id/members/:userId',
      operationId: 'removeMember',
      tag: 'cohorts',
      summary: 'Remove a learner from the cohort (their records stay)',
      params: cohortParams.extend({ userId: intId('The learner') }),
      ok: { 204: { description: 'Removed' } },
      guard: cohort,
    },
    {
      method: 'post',
      path: '/cohorts/:id/assignments',
      operationId: 'assignModule',
      tag: 'cohorts',
      summary: 'Assign a module with a due date (ISO 8601 date or date-time; the day is kept)',
      params: cohortParams,
      body: assignmentSchema,
      ok: { 201: jsonResponse(assignmentIdJsonSchema, 'The assignment created') },
      answers: [409],
      guard: cohort,
    },
    {
      method: 'put',
      path: '/cohorts/:id/assignments/:aid',
      operationId: 'changeAssignment',
      tag: 'cohorts',
      summary: 'Change an assignment’s due date',
      params: cohortParams.extend({ aid: intId('The assignment') }),
      body: dueDateSchema,
      ok: { 200: jsonResponse(assignmentIdJsonSchema, 'The assignment changed') },
      guard: cohort,
    },
    {
      method: 'delete',
      path: '/cohorts/:id/assignments/:aid',
      operationId: 'removeAssignment',
      tag: 'cohorts',
      summary: 'Remove an assignment',
      params: cohortParams.extend({ aid: intId('The assignment') }),
      ok: { 204: { description: 'Removed' } },
      guard: cohort,
    },
    {
      method: 'put',
      path: '/cohorts/:id/variant',
      operationId: 'pinCohortVariant',
      tag: 'cohorts',
      summary: 'Pin the cohort to a published variant version (anything but a number: the built-in pack)',
      params: cohortParams,
      body: pinSchema,
      ok: { 200: jsonResponse(pinJsonSchema, 'The version the cohort now sees') },
      answers: [409],
      guard: cohort,
    },
    {
      method: 'get',
      path: '/cohorts/:id/progress',
      operationId: 'getCohortProgress',
      tag: 'cohorts',
      summary: 'Learners × outcomes, and each learner’s assigned modules',
      params: cohortParams,
      ok: { 200: jsonResponse(cohortProgressJsonSchema, 'The progress matrix') },
      guard: cohort,
    },
    {
      method: 'get',
      path: '/cohorts/:id/progress.csv',
      operationId: 'getCohortProgressCsv',
      tag: 'cohorts',
      summary: 'The progress matrix as CSV',
      params: cohortParams,
      ok: {
        200: {
          description: 'One row per learner, one column per outcome',
          content: { 'text/csv': { schema: z.string() } },
        },
      },
      guard: cohort,
    },
  ];
}

/** The /api/v1 routers: no two answer the same path, so their order is only the order they are tried in. */
export function apiRoutes(services: Services, config: Config): ApiRouter[] {
  return [
    openApiRoutes(), // /openapi.json
    authApiRoutes(services), // /auth/token
    moduleApiRoutes(services), // /pack /modules/:id
    searchApiRoutes(services), // /search
    userApiRoutes(services, config), // /users
    progressApiRoutes(services), // /me/assignments /me/progress /me/modules/:id/complete /me/outcomes/:outcomeId
    variantApiRoutes(services), // /variants
    responseApiRoutes(services), // /me/responses
    formApiRoutes(services), // /me/forms /me/actions
    reportApiRoutes(services), // /cohorts/:id/learners/:userId
    xapiApiRoutes(services), // /events
    privacyApiRoutes(services), // /me/export /users/:id/export /users/:id/erase
  ];
}

/** The contracts of every /api/v1 route, as the API's routers registered them: what the OpenAPI document is made of. */
export function apiOperations(api: ApiRouter[]): ApiOperation[] {
  return [...api.flatMap((r) => r.operations), ...cohortContracts()];
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
    moduleRoutes(services), // /pack /modules/:id /modules/:id/slides
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
    responseRoutes(services), // /modules/:id/responses /cohorts/:id/shared
    formRoutes(services), // /modules/:id/submissions /modules/:id/entries /actions/:id
    reportRoutes(services), // /cohorts/:id/raids /cohorts/:id/learners/:userId /account/record
    cohortRoutes(services), // /cohorts /cohorts/:id /cohorts/:id/manage
    privacyRoutes(services), // /account/data /users/:id/data /users/:id/erase
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
  app.use('/api/v1', ...api.map((r) => r.router), cohortApiRoutes(services));
  // a path no route answers: someone signed out is asked to sign in (or 401) rather than told what exists
  app.use(requireUser);
}
