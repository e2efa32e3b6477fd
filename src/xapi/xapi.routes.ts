import { z } from 'zod';
import type { Services } from '../compose';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { eventsQuerySchema, statementPageSchema, statementSchema } from './xapi.schema';

/** xAPI statements (the schema the statements are checked against), named as components of the OpenAPI document. */
const statement = statementSchema.meta({ id: 'Statement' });
const statementResult = statementPageSchema
  .extend({ statements: z.array(statement) })
  .meta({ id: 'StatementResult' });

/** API: `GET /events`, learning events as xAPI statements (admins). */
export function xapiApiRoutes(services: Services): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/events',
      operationId: 'listStatements',
      tag: 'events',
      summary: 'Learning events as xAPI 1.0.3 statements, oldest first; `more` is "" on the last page',
      query: eventsQuerySchema,
      ok: { 200: jsonResponse(statementResult, 'A page of statements (an xAPI StatementResult)') },
      answers: [422],
    },
    requireRole('admin'),
    async (req, res) => {
      res.json(await services.xapi.statements(parseQuery(eventsQuerySchema, req)));
    },
  );
}
