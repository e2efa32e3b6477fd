import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { Application } from 'express';
import type { z } from 'zod';
import { errorBodySchema } from '../shared/errors';
import { jsonResponse, type ApiOperation } from './api-route';

/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the contracts each feature's routes file registers beside its
 * routes (`src/web/api-route.ts`): paths, the zod schemas the routes validate requests with, the presenters' response
 * schemas. Here are only what the whole document shares: tags, what each error status means, the security schemes
 * and the document's information. Every response the test suite sees is validated against it.
 */

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
  {
    name: 'reviews',
    description: 'Review of evidence: a cohort’s queue, and a trainer’s decision to confirm or return it.',
  },
  { name: 'me', description: 'A learner’s own assignments, progress, answers, forms and actions.' },
  {
    name: 'variants',
    description: 'Tailored variants of the pack: upload, validate, publish, download (admins).',
  },
  { name: 'events', description: 'Learning events as xAPI 1.0.3 statements (admins).' },
  { name: 'privacy', description: 'Subject-access export and erasure (admins).' },
  { name: 'lti', description: 'Learning platforms that launch Packway with LTI 1.3 (admins).' },
  {
    name: 'badges',
    description:
      'Open Badges 3.0 credentials per learning area: a learner’s own, issuing and revoking (admins), checking.',
  },
  { name: 'meta', description: 'This document.' },
] as const;
export type ApiTag = (typeof TAGS)[number]['name'];

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
  503: 'Not now: the database cannot take writes (disk full, read-only, busy), or a file could not be made: try again later',
};

function errorResponse(status: number): ResponseConfig {
  const response = jsonResponse(errorBodySchema, ERROR_MEANING[status] ?? 'Error');
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

/**
 * Statuses every route can answer: no token or a bad one (a public route too refuses a bad token sent anyway), and a
 * database that cannot write (sessions).
 */
const EVERY_ROUTE = [401, 503];
/** Statuses any request but GET can answer for a body it sends, even where the route itself reads none. */
const ANY_BODY = [400, 413, 415];
/** Statuses a route with a request body can answer: unreadable, too large, wrong charset, invalid. */
const WITH_BODY = [400, 413, 415, 422];

/** The error statuses an operation can answer: from its guard, its method and its inputs, and any it lists itself. */
function errorStatuses(op: ApiOperation): number[] {
  const statuses = [
    ...EVERY_ROUTE,
    ...op.guard.statuses,
    ...(op.method === 'get' ? [] : ANY_BODY),
    ...(op.body || op.otherBodies ? WITH_BODY : []),
    ...(op.params ? [404] : []),
    ...(op.answers ?? []),
  ];
  return [...new Set(statuses)].sort((a, b) => a - b);
}

const tagOrder = (op: ApiOperation) => TAGS.findIndex((t) => t.name === op.tag);

export function buildOpenApiDocument(operations: ApiOperation[], publicUrl = 'http://localhost:3000') {
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

  // grouped by tag, in the order the tags are listed; within a tag, in the order the routes are registered
  for (const op of [...operations].sort((a, b) => tagOrder(a) - tagOrder(b))) {
    const content: Record<string, { schema: z.ZodType }> = {};
    if (op.body) content['application/json'] = { schema: op.body };
    for (const [type, schema] of Object.entries(op.otherBodies ?? {})) content[type] = { schema };
    registry.registerPath({
      method: op.method,
      path: op.path.replace(/:(\w+)/g, '{$1}'),
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(op.guard.public ? { security: [] } : {}),
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(Object.keys(content).length ? { body: { required: true, content } } : {}),
      },
      responses: {
        ...op.ok,
        ...Object.fromEntries(errorStatuses(op).map((s) => [s, errorResponse(s)])),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Packway API',
      version: '1.0.0',
      description:
        'The JSON API of Packway: the customer focused leadership pack, cohorts, progress and learning records. ' +
        'Sign in with `POST /auth/token` and send `Authorization: Bearer <token>`. ' +
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

/** The API each app serves, recorded when its routes are mounted (src/routes.ts). */
const SERVED = new WeakMap<
  Application,
  { operations: ApiOperation[]; publicUrl?: string; document?: OpenApiDocument }
>();

export function recordApi(app: Application, operations: ApiOperation[], publicUrl?: string): void {
  SERVED.set(app, { operations, publicUrl });
}

/** The document of the API an app serves (`GET /api/v1/openapi.json`), built once, on first asking. */
export function openApiDocumentOf(app: Application): OpenApiDocument {
  const served = SERVED.get(app);
  if (!served) throw new Error('this app has no API recorded (src/routes.ts records it)');
  served.document ??= buildOpenApiDocument(served.operations, served.publicUrl);
  return served.document;
}
