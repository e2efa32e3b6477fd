import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { signInSchema, tokenResponseSchema } from '../auth/auth.schema';
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
} from '../cohorts/cohorts.schema';
import {
  actionDoneApiSchema,
  actionDoneJsonSchema,
  actionsJsonSchema,
  formHistoryJsonSchema,
  submissionApiSchema,
  submissionJsonSchema,
} from '../forms/forms.schema';
import { moduleSchema, packQuerySchema, packSchema } from '../modules/modules.schema';
import { erasedJsonSchema, eraseSchema, subjectExportJsonSchema } from '../privacy/privacy.schema';
import {
  learnerAssignmentsJsonSchema,
  learnerProgressJsonSchema,
  moduleCompletedJsonSchema,
  outcomeSavedJsonSchema,
  outcomeUpdateSchema,
} from '../progress/progress.schema';
import { learnerRecordJsonSchema } from '../reports/reports.schema';
import {
  moduleAnswersJsonSchema,
  responseSchema,
  savedAnswerJsonSchema,
} from '../responses/responses.schema';
import { searchQuerySchema, searchResultsSchema } from '../search/search.schema';
import { errorBodySchema } from '../shared/errors';
import {
  createdUserSchema,
  createUserSchema,
  importedUsersSchema,
  passwordLinksSchema,
  userListQuery,
  userListSchema,
} from '../users/users.schema';
import {
  publishedJsonSchema,
  uploadFieldsSchema,
  uploadJsonSchema,
  variantVersionListJsonSchema,
} from '../variants/variants.schema';
import { publicRoute } from './guards';
import { eventsQuerySchema, statementPageSchema, statementSchema } from '../xapi/xapi.schema';

/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the zod schemas the routes validate requests with and the
 * presenters' response schemas, so the document cannot drift from the code. Every API route is listed here (a test
 * walks the routers and fails on one that is missing); every response the test suite sees is validated against it.
 */

type Method = RouteConfig['method'];

const TAGS = [
  { name: 'auth', description: 'Exchange an email address and password for a bearer token.' },
  {
    name: 'pack',
    description: 'The compiled learning pack: sections, modules, learning areas and outcomes.',
  },
  { name: 'users', description: 'Accounts (L&D administrators only).' },
  {
    name: 'cohorts',
    description: 'Cohorts, their members and assignments, and their progress (trainers and admins).',
  },
  { name: 'reports', description: "A learner's whole record, for their trainer." },
  { name: 'me', description: 'A learner’s own assignments, progress, answers, forms and actions.' },
  {
    name: 'variants',
    description: 'Tailored variants of the pack: upload, validate, publish, download (admins).',
  },
  { name: 'events', description: 'Learning events as xAPI 1.0.3 statements (admins).' },
  { name: 'privacy', description: 'Subject-access export and erasure (admins).' },
  { name: 'meta', description: 'This document.' },
] as const;
type Tag = (typeof TAGS)[number]['name'];

/** What each error status means here (the body is always the Error schema). */
const ERROR_MEANING: Record<number, string> = {
  400: 'The request body could not be read (not valid JSON, or cut short)',
  401: 'No valid bearer token or session: sign in (`POST /auth/token`) and send `Authorization: Bearer <token>`',
  403: 'Signed in, but not allowed: wrong role, not your cohort, or a session cookie without the CSRF token',
  404: 'No such resource (or not one you can see)',
  409: 'Conflicts with the current state',
  413: 'The request body or file is too large',
  415: 'The request body is in a character set or encoding the service does not read',
  422: 'The request was read but has problems: `details` lists every one by field',
  429: 'Too many attempts: wait the number of seconds in `Retry-After`',
  503: 'The database cannot take writes right now (disk full, read-only, busy): try again later',
};

/** xAPI statements (the schema the statements are checked against), named as components of this document. */
const statement = statementSchema.meta({ id: 'Statement' });
const statementResult = statementPageSchema
  .extend({ statements: z.array(statement) })
  .meta({ id: 'StatementResult' });

const json = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});

function errorResponse(status: number): ResponseConfig {
  const response = json(errorBodySchema, ERROR_MEANING[status] ?? 'Error');
  if (status === 401)
    response.headers = {
      'WWW-Authenticate': {
        description:
          '`Bearer realm="packway"`, with `error="invalid_token"` when the token sent is unknown, expired or revoked',
        schema: { type: 'string' },
      },
    };
  if (status === 429)
    response.headers = {
      'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
    };
  return response;
}

/** Integer path parameters (`:id`, `:userId` …) and string ones (`:moduleId` …). */
const intId = (description: string) => z.number().int().positive().describe(description);
const strId = (description: string) => z.string().min(1).describe(description);

interface Operation {
  method: Method;
  /** The path under /api/v1, with `{param}` for each Express `:param`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body. */
  body?: z.ZodType;
  /** Other body media types (CSV, multipart). */
  otherBodies?: Record<string, z.ZodType>;
  /** The success answer(s). */
  ok: Record<number, ResponseConfig>;
  /** The error statuses this route can answer besides those every route answers. */
  errors: number[];
  /** Open to anyone (`security: []`). */
  public?: boolean;
}

/**
 * Statuses every route can answer: no token or a bad one (a public route too refuses a bad token sent anyway), and a
 * database that cannot write (sessions).
 */
const EVERY_ROUTE = [401, 503];
/** Statuses any request but GET can answer for a body it sends, even where the route itself reads none. */
const ANY_BODY = [400, 413, 415];
/** Statuses a route with a request body can answer: unreadable, too large, wrong charset, invalid. */
const WITH_BODY = [400, 413, 415, 422];

export function buildOpenApiDocument(publicUrl = 'http://localhost:3000') {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from `POST /auth/token`, valid for `API_TOKEN_HOURS` (24 by default)',
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'packway_session',
    description: 'The signed-in browser session; unsafe methods then need the `X-CSRF-Token` header',
  });

  const add = (op: Operation) => {
    const errors = [
      ...new Set([...EVERY_ROUTE, ...(op.method === 'get' ? [] : ANY_BODY), ...op.errors]),
    ].sort((a, b) => a - b);
    const content: Record<string, { schema: z.ZodType }> = {};
    if (op.body) content['application/json'] = { schema: op.body };
    for (const [type, schema] of Object.entries(op.otherBodies ?? {})) content[type] = { schema };
    registry.registerPath({
      method: op.method,
      path: op.path,
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(op.public ? { security: [] } : {}),
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(Object.keys(content).length ? { body: { required: true, content } } : {}),
      },
      responses: {
        ...op.ok,
        ...Object.fromEntries(errors.map((s) => [s, errorResponse(s)])),
      },
    });
  };

  const cohortParams = z.object({ id: intId('The cohort') });
  const userParams = z.object({ id: intId('The person') });

  // auth
  add({
    method: 'post',
    path: '/auth/token',
    operationId: 'createToken',
    tag: 'auth',
    summary: 'Exchange an email address and password for a bearer token',
    public: true,
    body: signInSchema,
    ok: { 201: json(tokenResponseSchema, 'The token and when it expires') },
    errors: [...WITH_BODY, 401, 403, 429],
  });
  add({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'meta',
    summary: 'This OpenAPI 3.1 document',
    public: true,
    ok: {
      200: json(z.record(z.string(), z.unknown()), 'The OpenAPI document (generate a typed client from it)'),
    },
    errors: [400],
  });

  // pack
  add({
    method: 'get',
    path: '/pack',
    operationId: 'getPack',
    tag: 'pack',
    summary: 'The compiled pack you see (a cohort’s variant with `?cohort=`)',
    query: packQuerySchema,
    ok: { 200: json(packSchema, 'The pack') },
    errors: [403, 404],
  });
  add({
    method: 'get',
    path: '/modules/{id}',
    operationId: 'getModule',
    tag: 'pack',
    summary: 'One module of the pack you see',
    params: z.object({ id: strId('The module id') }),
    query: packQuerySchema,
    ok: { 200: json(moduleSchema, 'The module') },
    errors: [403, 404],
  });

  // users
  add({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    tag: 'users',
    summary: 'Accounts, 50 a page, searched by name or email and filtered by role',
    query: userListQuery,
    ok: { 200: json(userListSchema, 'One page of accounts') },
    errors: [403, 422],
  });
  add({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    tag: 'users',
    summary: 'Create an account (without a password: the answer carries a one-time password link)',
    body: createUserSchema,
    ok: { 201: json(createdUserSchema, 'The account created') },
    errors: [...WITH_BODY, 403, 409],
  });
  add({
    method: 'post',
    path: '/users/import',
    operationId: 'importUsers',
    tag: 'users',
    summary: 'Create accounts from a CSV `email,name,role`: all or nothing',
    otherBodies: {
      'text/csv': z.string().describe('The CSV, with a header row `email,name,role`'),
      'multipart/form-data': z.object({
        file: z.string().meta({ contentMediaType: 'text/csv', description: 'The CSV file' }),
      }),
    },
    ok: { 201: json(importedUsersSchema, 'The accounts created') },
    errors: [...WITH_BODY, 403, 409],
  });
  add({
    method: 'post',
    path: '/users/password-links',
    operationId: 'issuePendingPasswordLinks',
    tag: 'users',
    summary:
      'A fresh one-time password link for everyone who has not set a password (not disabled); earlier links stop working',
    ok: { 201: json(passwordLinksSchema, 'The links, one per account') },
    errors: [403],
  });
  add({
    method: 'get',
    path: '/search',
    operationId: 'search',
    tag: 'pack',
    summary:
      'Modules of the pack you see (titles, text, outcomes) and, for trainers and admins, people (the learners in your cohorts; everyone for an admin)',
    query: searchQuerySchema,
    ok: { 200: json(searchResultsSchema, 'What matches, best first') },
    errors: [422],
  });

  // cohorts
  add({
    method: 'get',
    path: '/cohorts',
    operationId: 'listCohorts',
    tag: 'cohorts',
    summary: 'The cohorts you run (every cohort, for an admin)',
    ok: { 200: json(cohortListJsonSchema, 'The cohorts') },
    errors: [403],
  });
  add({
    method: 'post',
    path: '/cohorts',
    operationId: 'createCohort',
    tag: 'cohorts',
    summary: 'Create a cohort (you become its trainer), optionally pinned to a variant version',
    body: cohortSchema,
    ok: { 201: json(cohortJsonSchema, 'The cohort created') },
    errors: [...WITH_BODY, 403, 404],
  });
  add({
    method: 'get',
    path: '/cohorts/{id}',
    operationId: 'getCohort',
    tag: 'cohorts',
    summary: 'A cohort with its trainers, members and assignments',
    params: cohortParams,
    ok: { 200: json(cohortDetailJsonSchema, 'The cohort') },
    errors: [403, 404],
  });
  add({
    method: 'post',
    path: '/cohorts/{id}/members',
    operationId: 'enrolMembers',
    tag: 'cohorts',
    summary: 'Enrol learners by email address or by user id',
    params: cohortParams,
    body: membersSchema,
    ok: { 201: json(enrolmentJsonSchema, 'How many were enrolled') },
    errors: [...WITH_BODY, 403, 404],
  });
  add({
    method: 'delete',
    path: '/cohorts/{id}/members/{userId}',
    operationId: 'removeMember',
    tag: 'cohorts',
    summary: 'Remove a learner from the cohort (their records stay)',
    params: cohortParams.extend({ userId: intId('The learner') }),
    ok: { 204: { description: 'Removed' } },
    errors: [403, 404],
  });
  add({
    method: 'post',
    path: '/cohorts/{id}/assignments',
    operationId: 'assignModule',
    tag: 'cohorts',
    summary: 'Assign a module with a due date (ISO 8601 date or date-time; the day is kept)',
    params: cohortParams,
    body: assignmentSchema,
    ok: { 201: json(assignmentIdJsonSchema, 'The assignment created') },
    errors: [...WITH_BODY, 403, 404, 409],
  });
  add({
    method: 'put',
    path: '/cohorts/{id}/assignments/{aid}',
    operationId: 'changeAssignment',
    tag: 'cohorts',
    summary: 'Change an assignment’s due date',
    params: cohortParams.extend({ aid: intId('The assignment') }),
    body: dueDateSchema,
    ok: { 200: json(assignmentIdJsonSchema, 'The assignment changed') },
    errors: [...WITH_BODY, 403, 404],
  });
  add({
    method: 'delete',
    path: '/cohorts/{id}/assignments/{aid}',
    operationId: 'removeAssignment',
    tag: 'cohorts',
    summary: 'Remove an assignment',
    params: cohortParams.extend({ aid: intId('The assignment') }),
    ok: { 204: { description: 'Removed' } },
    errors: [403, 404],
  });
  add({
    method: 'put',
    path: '/cohorts/{id}/variant',
    operationId: 'pinCohortVariant',
    tag: 'cohorts',
    summary: 'Pin the cohort to a published variant version (anything but a number: the built-in pack)',
    params: cohortParams,
    body: pinSchema,
    ok: { 200: json(pinJsonSchema, 'The version the cohort now sees') },
    errors: [...WITH_BODY, 403, 404, 409],
  });
  add({
    method: 'get',
    path: '/cohorts/{id}/progress',
    operationId: 'getCohortProgress',
    tag: 'cohorts',
    summary: 'Learners × outcomes, and each learner’s assigned modules',
    params: cohortParams,
    ok: { 200: json(cohortProgressJsonSchema, 'The progress matrix') },
    errors: [403, 404],
  });
  add({
    method: 'get',
    path: '/cohorts/{id}/progress.csv',
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
    errors: [403, 404],
  });

  // reports
  add({
    method: 'get',
    path: '/cohorts/{id}/learners/{userId}',
    operationId: 'getLearnerRecord',
    tag: 'reports',
    summary: 'Everything a learner in the cohort did (a trainer sees work since they joined this cohort)',
    params: cohortParams.extend({ userId: intId('The learner') }),
    ok: { 200: json(learnerRecordJsonSchema, 'The learner’s record') },
    errors: [403, 404],
  });

  // me (learners)
  add({
    method: 'get',
    path: '/me/assignments',
    operationId: 'listMyAssignments',
    tag: 'me',
    summary: 'My assigned modules with due dates and status',
    ok: { 200: json(learnerAssignmentsJsonSchema, 'My assignments') },
    errors: [403, 404],
  });
  add({
    method: 'get',
    path: '/me/progress',
    operationId: 'getMyProgress',
    tag: 'me',
    summary: 'My status on every outcome, by learning area',
    ok: { 200: json(learnerProgressJsonSchema, 'My progress') },
    errors: [403, 404],
  });
  add({
    method: 'post',
    path: '/me/modules/{id}/complete',
    operationId: 'completeModule',
    tag: 'me',
    summary: 'Mark a module complete',
    params: z.object({ id: strId('The module id') }),
    ok: { 200: json(moduleCompletedJsonSchema, 'The module is complete') },
    errors: [403, 404],
  });
  add({
    method: 'put',
    path: '/me/outcomes/{outcomeId}',
    operationId: 'setOutcome',
    tag: 'me',
    summary: 'Set my status on an outcome, with evidence (required for achieved)',
    params: z.object({ outcomeId: strId('The outcome id, like SP1') }),
    body: outcomeUpdateSchema,
    ok: { 200: json(outcomeSavedJsonSchema, 'The outcome as saved') },
    errors: [...WITH_BODY, 403, 404],
  });
  add({
    method: 'put',
    path: '/me/responses/{moduleId}/{promptId}',
    operationId: 'saveResponse',
    tag: 'me',
    summary: 'Save my answer to a case-study or activity prompt (and whether my cohort may read it)',
    params: z.object({ moduleId: strId('The module id'), promptId: strId('The prompt id') }),
    body: responseSchema,
    ok: { 200: json(savedAnswerJsonSchema, 'The answer as saved') },
    errors: [...WITH_BODY, 403, 404],
  });
  add({
    method: 'get',
    path: '/me/responses/{moduleId}',
    operationId: 'listMyResponses',
    tag: 'me',
    summary: 'My answers to a module’s prompts',
    params: z.object({ moduleId: strId('The module id') }),
    ok: { 200: json(moduleAnswersJsonSchema, 'My answers') },
    errors: [403],
  });
  add({
    method: 'post',
    path: '/me/forms/{moduleId}',
    operationId: 'submitForm',
    tag: 'me',
    summary: 'Submit the module’s form (a raid plan or report, the self-assessment, an activity)',
    params: z.object({ moduleId: strId('The module id') }),
    body: submissionApiSchema,
    ok: { 201: json(submissionJsonSchema, 'The submission saved') },
    errors: [...WITH_BODY, 403, 404],
  });
  add({
    method: 'get',
    path: '/me/forms/{moduleId}',
    operationId: 'listMySubmissions',
    tag: 'me',
    summary: 'My submissions of the module’s form and, for a rating form, the chart of my attempts',
    params: z.object({ moduleId: strId('The module id') }),
    ok: { 200: json(formHistoryJsonSchema, 'My submissions') },
    errors: [403, 404],
  });
  add({
    method: 'get',
    path: '/me/actions',
    operationId: 'listMyActions',
    tag: 'me',
    summary: 'The actions I planned in forms, with due days and whether they are done',
    ok: { 200: json(actionsJsonSchema, 'My actions') },
    errors: [403],
  });
  add({
    method: 'patch',
    path: '/me/actions/{id}',
    operationId: 'setActionDone',
    tag: 'me',
    summary: 'Mark one of my actions done or not done',
    params: z.object({ id: intId('The action') }),
    body: actionDoneApiSchema,
    ok: { 200: json(actionDoneJsonSchema, 'The action as saved') },
    errors: [...WITH_BODY, 403, 404],
  });

  // variants
  add({
    method: 'get',
    path: '/variants',
    operationId: 'listVariantVersions',
    tag: 'variants',
    summary: 'Every version of every variant',
    ok: { 200: json(variantVersionListJsonSchema, 'The versions') },
    errors: [403],
  });
  add({
    method: 'post',
    path: '/variants',
    operationId: 'uploadVariant',
    tag: 'variants',
    summary: 'Upload a zip of a content folder or a single .md; valid uploads become the variant’s draft',
    otherBodies: {
      'multipart/form-data': uploadFieldsSchema.extend({
        file: z.string().meta({
          contentMediaType: 'application/zip',
          description: 'A .zip with the layout of content/ (any subset of files), or a single .md module',
        }),
      }),
    },
    ok: { 201: json(uploadJsonSchema, 'The draft, and what it changes from the built-in pack') },
    errors: [...WITH_BODY, 403],
  });
  add({
    method: 'post',
    path: '/variants/{id}/publish',
    operationId: 'publishVariant',
    tag: 'variants',
    summary: 'Publish the variant’s draft as its next immutable version',
    params: z.object({ id: intId('The variant') }),
    ok: { 201: json(publishedJsonSchema, 'The version published') },
    errors: [403, 404, 409],
  });
  add({
    method: 'get',
    path: '/variants/versions/{vid}/download',
    operationId: 'downloadVariantVersion',
    tag: 'variants',
    summary: 'A version’s files as a zip',
    params: z.object({ vid: intId('The variant version') }),
    ok: {
      200: {
        description: 'The zip',
        content: { 'application/zip': { schema: z.string().meta({ contentMediaType: 'application/zip' }) } },
      },
    },
    errors: [403, 404],
  });

  // events
  add({
    method: 'get',
    path: '/events',
    operationId: 'listStatements',
    tag: 'events',
    summary: 'Learning events as xAPI 1.0.3 statements, oldest first; `more` is "" on the last page',
    query: eventsQuerySchema,
    ok: { 200: json(statementResult, 'A page of statements (an xAPI StatementResult)') },
    errors: [403, 422],
  });

  // privacy
  add({
    method: 'get',
    path: '/me/export',
    operationId: 'exportMe',
    tag: 'privacy',
    summary: 'Everything held about me (subject access, for anyone signed in)',
    ok: { 200: json(subjectExportJsonSchema, 'My record') },
    errors: [],
  });
  add({
    method: 'get',
    path: '/users/{id}/export',
    operationId: 'exportPerson',
    tag: 'privacy',
    summary: 'Everything held about a person (subject access)',
    params: userParams,
    ok: { 200: json(subjectExportJsonSchema, 'The record') },
    errors: [403, 404],
  });
  add({
    method: 'post',
    path: '/users/{id}/erase',
    operationId: 'erasePerson',
    tag: 'privacy',
    summary: 'Erase a person’s learning records and account (type their email address to confirm)',
    params: userParams,
    body: eraseSchema,
    ok: { 200: json(erasedJsonSchema, 'Erased') },
    errors: [...WITH_BODY, 403, 404, 409],
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Packway API',
      version: '1.0.0',
      description:
        'The JSON API of Packway: the customer focused leadership pack, cohorts, progress and learning records. Sign in with `POST /auth/token` and send `Authorization: Bearer <token>`. ' +
        'Errors answer `{"error": {"code", "message", "details": [{"field", "message"}]}}`. ' +
        'Generated from the zod schemas that validate requests and shape responses.',
      contact: { name: 'The Packway service team', url: `${publicUrl}/help` },
      license: { name: 'Proprietary: no licence is granted (UNLICENSED)', url: `${publicUrl}/help` },
    },
    servers: [
      { url: '/api/v1', description: 'This installation (the address this document was fetched from)' },
    ],
    security: [{ bearer: [] }, { session: [] }],
    tags: TAGS.map((t) => ({ ...t })),
  });
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

/** `GET /api/v1/openapi.json`: built once per app, for the address people use. */
export function openApiRoute(publicUrl?: string): Router {
  const router = Router();
  let document: OpenApiDocument | undefined;
  router.get('/api/v1/openapi.json', publicRoute, (_req, res) => {
    document ??= buildOpenApiDocument(publicUrl);
    res.json(document);
  });
  return router;
}
