import { Router } from 'express';

const error = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      { description: 'Error', content: { 'application/json': { schema: error } } },
    ]),
  );
const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const obj = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});
const str = { type: 'string' };
const int = { type: 'integer' };
const idParam = (name: string, schema: object = str) => ({ name, in: 'path', required: true, schema });
const cohortQuery = {
  name: 'cohort',
  in: 'query',
  required: false,
  schema: int,
  description: "Use this cohort's pinned variant",
};
const secured = { security: [{ bearer: [] }] };

/** The OpenAPI 3.1 description of /api/v1. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Packway API',
    version: '1.0.0',
    description: 'Customer focused leadership learning packs, cohorts and progress.',
  },
  servers: [{ url: '/api/v1' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: obj(
        {
          error: obj(
            { code: str, message: str, details: { type: 'array', items: obj({ field: str, message: str }) } },
            ['code', 'message', 'details'],
          ),
        },
        ['error'],
      ),
      Pack: obj(
        {
          id: str,
          version: str,
          sections: {
            type: 'array',
            items: obj({
              id: str,
              title: str,
              modules: { type: 'array', items: obj({ id: str, title: str, kind: str }) },
            }),
          },
          areas: {
            type: 'array',
            items: obj({
              id: str,
              short: str,
              title: str,
              outcomes: { type: 'array', items: obj({ id: str, text: str }) },
            }),
          },
        },
        ['id', 'version', 'sections', 'areas'],
      ),
      Module: obj(
        {
          id: str,
          title: str,
          kind: str,
          areas: { type: 'array', items: str },
          outcomes: { type: 'array', items: str },
          html: str,
          prompts: { type: 'array', items: obj({ id: str, area: str, question: str }) },
        },
        ['id', 'title', 'kind', 'areas', 'outcomes', 'html'],
      ),
      Created: obj({ id: int }, ['id']),
    },
  },
  paths: {
    '/auth/token': {
      post: {
        summary: 'Exchange email and password for an API token',
        requestBody: body(obj({ email: str, password: str }, ['email', 'password'])),
        responses: { '201': json(obj({ token: str, expiresAt: str }), 'Created'), ...errors(401, 422, 429) },
      },
    },
    '/pack': {
      get: {
        ...secured,
        summary: 'The compiled pack',
        parameters: [cohortQuery],
        responses: { '200': json({ $ref: '#/components/schemas/Pack' }), ...errors(401, 403, 404) },
      },
    },
    '/modules/{id}': {
      get: {
        ...secured,
        summary: 'One module',
        parameters: [idParam('id'), cohortQuery],
        responses: { '200': json({ $ref: '#/components/schemas/Module' }), ...errors(401, 404) },
      },
    },
    '/users': {
      get: {
        ...secured,
        summary: 'List users (admin)',
        responses: {
          '200': json(obj({ users: { type: 'array', items: obj({}) }, total: int })),
          ...errors(401, 403),
        },
      },
      post: {
        ...secured,
        summary: 'Create a user (admin)',
        requestBody: body(
          obj({ email: str, name: str, role: { enum: ['learner', 'trainer', 'admin'] }, password: str }, [
            'email',
            'name',
            'role',
          ]),
        ),
        responses: {
          '201': json({ $ref: '#/components/schemas/Created' }, 'Created'),
          ...errors(401, 403, 409, 422),
        },
      },
    },
    '/users/import': {
      post: {
        ...secured,
        summary: 'Import users from CSV email,name,role (admin), all or nothing',
        requestBody: {
          required: true,
          content: {
            'text/csv': { schema: str },
            'multipart/form-data': {
              schema: obj({ file: { type: 'string', contentMediaType: 'text/csv' } }),
            },
          },
        },
        responses: { '201': json(obj({ created: int })), ...errors(401, 403, 413, 422) },
      },
    },
    '/cohorts': {
      get: {
        ...secured,
        summary: 'Cohorts you run (all, for admins)',
        responses: { '200': json(obj({ cohorts: { type: 'array', items: obj({}) } })), ...errors(401, 403) },
      },
      post: {
        ...secured,
        summary: 'Create a cohort',
        requestBody: body(obj({ name: str, description: str, variantId: int })),
        responses: {
          '201': json({ $ref: '#/components/schemas/Created' }, 'Created'),
          ...errors(401, 403, 422),
        },
      },
    },
    '/cohorts/{id}': {
      get: {
        ...secured,
        summary: 'A cohort with members and assignments',
        parameters: [idParam('id', int)],
        responses: { '200': json(obj({})), ...errors(401, 403, 404) },
      },
    },
    '/cohorts/{id}/members': {
      post: {
        ...secured,
        summary: 'Enrol learners by email or id',
        parameters: [idParam('id', int)],
        requestBody: body({
          oneOf: [
            obj({ emails: { type: 'array', items: str } }, ['emails']),
            obj({ userIds: { type: 'array', items: int } }, ['userIds']),
          ],
        }),
        responses: { '201': json(obj({ added: int, alreadyMembers: int })), ...errors(401, 403, 404, 422) },
      },
    },
    '/cohorts/{id}/assignments': {
      post: {
        ...secured,
        summary: 'Assign a module with a due date',
        parameters: [idParam('id', int)],
        requestBody: body(
          obj({ moduleId: str, dueAt: { type: 'string', format: 'date' } }, ['moduleId', 'dueAt']),
        ),
        responses: {
          '201': json({ $ref: '#/components/schemas/Created' }, 'Created'),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    '/cohorts/{id}/progress': {
      get: {
        ...secured,
        summary: 'Learners × outcomes matrix',
        parameters: [idParam('id', int)],
        responses: {
          '200': json(
            obj({
              cohort: obj({ id: int, name: str }),
              outcomes: { type: 'array', items: str },
              learners: {
                type: 'array',
                items: obj({
                  id: int,
                  email: str,
                  name: str,
                  outcomes: { type: 'object', additionalProperties: str },
                  completedModules: { type: 'array', items: str },
                }),
              },
            }),
          ),
          ...errors(401, 403, 404),
        },
      },
    },
    '/cohorts/{id}/progress.csv': {
      get: {
        ...secured,
        summary: 'The matrix as CSV',
        parameters: [idParam('id', int)],
        responses: {
          '200': { description: 'CSV', content: { 'text/csv': { schema: str } } },
          ...errors(401, 403, 404),
        },
      },
    },
    '/me/assignments': {
      get: {
        ...secured,
        summary: 'My assigned modules',
        responses: {
          '200': json(
            obj({
              assignments: {
                type: 'array',
                items: obj({
                  moduleId: str,
                  title: str,
                  dueAt: str,
                  status: { enum: ['not_started', 'in_progress', 'completed', 'overdue'] },
                }),
              },
            }),
          ),
          ...errors(401, 403),
        },
      },
    },
    '/me/modules/{id}/complete': {
      post: {
        ...secured,
        summary: 'Mark a module complete',
        parameters: [idParam('id')],
        responses: { '200': json(obj({ moduleId: str, status: str })), ...errors(401, 403, 404) },
      },
    },
    '/me/outcomes/{outcomeId}': {
      put: {
        ...secured,
        summary: 'Set an outcome status with evidence',
        parameters: [idParam('outcomeId')],
        requestBody: body(
          obj({ status: { enum: ['not_started', 'in_progress', 'achieved'] }, evidence: str }, ['status']),
        ),
        responses: {
          '200': json(obj({ outcomeId: str, status: str, evidence: str, updatedAt: str })),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    '/me/responses/{moduleId}/{promptId}': {
      put: {
        ...secured,
        summary: 'Save an answer to a case-study prompt',
        parameters: [idParam('moduleId'), idParam('promptId')],
        requestBody: body(obj({ text: str, shared: { type: 'boolean' } }, ['text'])),
        responses: {
          '200': json(
            obj({ moduleId: str, promptId: str, text: str, shared: { type: 'boolean' }, updatedAt: str }),
          ),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    '/variants': {
      post: {
        ...secured,
        summary: 'Upload a variant (zip or .md) as a draft (admin)',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: obj({ file: { type: 'string', contentMediaType: 'application/zip' }, name: str }, [
                'file',
              ]),
            },
          },
        },
        responses: { '201': json(obj({ id: int, draftId: int })), ...errors(401, 403, 413, 422) },
      },
    },
    '/variants/{id}/publish': {
      post: {
        ...secured,
        summary: 'Publish the draft as the next immutable version (admin)',
        parameters: [idParam('id', int)],
        responses: { '201': json(obj({ versionId: int, version: int })), ...errors(401, 403, 404, 409) },
      },
    },
    '/events': {
      get: {
        ...secured,
        summary: 'Learning events as xAPI 1.0.3 statements (admin)',
        parameters: [
          { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'cohort', in: 'query', schema: int },
          { name: 'learner', in: 'query', schema: int },
          { name: 'after', in: 'query', schema: int },
          { name: 'limit', in: 'query', schema: int },
        ],
        responses: {
          '200': json(obj({ statements: { type: 'array', items: obj({}) }, more: str })),
          ...errors(401, 403, 422),
        },
      },
    },
  },
};

export function openApiRoute(): Router {
  const router = Router();
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  return router;
}
