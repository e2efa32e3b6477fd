import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { actorOf } from '../web/actor';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { requireCohortAccess } from '../web/guards';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { cohortProgressJson, matrixPage } from './cohorts.presenter';
import { cohortProgressJsonSchema, matrixQuerySchema } from './cohorts.schema';
import { cohortId, cohortParams } from './manage-page';
import { progressCsv } from './matrix.view';

/** The cohort's trainers and any admin (the cohort's own list is checked by the service each route calls). */
const cohortStaff = requireCohortAccess('trainer', 'admin');

/** The progress matrix of a cohort, the evidence behind one of its cells, and the same data as CSV. */
export function matrixRoutes(services: Services): Router {
  const router = Router();
  router.get('/cohorts/:id', cohortStaff, async (req, res) => {
    const query = parseQuery(matrixQuerySchema, req);
    renderPage(
      req,
      res,
      'cohorts/matrix',
      matrixPage(await services.cohortMatrix.matrix(cohortId(req), actorOf(req)), query),
    );
  });

  router.get('/cohorts/:id/learners/:userId/outcomes/:outcomeId', cohortStaff, async (req, res) => {
    const data = await services.cohortMatrix.outcomeEvidence(
      cohortId(req),
      Number(req.params.userId),
      String(req.params.outcomeId),
      actorOf(req),
    );
    renderPage(req, res, 'cohorts/evidence', {
      title: `${data.learner.name}: ${data.outcome.id} evidence`,
      ...data,
    });
  });

  router.get('/cohorts/:id/progress.csv', cohortStaff, async (req, res) => {
    const data = await services.cohortMatrix.matrix(cohortId(req), actorOf(req));
    const evidence = await services.reports.cohortEvidence(data.cohort.id, actorOf(req));
    res
      .type('text/csv')
      .attachment(`cohort-${data.cohort.id}-progress.csv`)
      .send(progressCsv(data, evidence));
  });
  return router;
}

/** `GET /api/v1/cohorts/:id/progress` (JSON) and `…/progress.csv`. */
export function matrixApiRoutes(services: Services): ApiRouter {
  return new ApiRouter()
    .route(
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
      },
      cohortStaff,
      async (req, res) => {
        const data = await services.cohortMatrix.matrix(cohortId(req), actorOf(req));
        const evidence = await services.reports.cohortEvidence(data.cohort.id, actorOf(req));
        res.type('text/csv').send(progressCsv(data, evidence));
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/progress',
        operationId: 'getCohortProgress',
        tag: 'cohorts',
        summary: 'Learners × outcomes, and each learner’s assigned modules',
        params: cohortParams,
        ok: { 200: jsonResponse(cohortProgressJsonSchema, 'The progress matrix') },
      },
      cohortStaff,
      async (req, res) => {
        res.json(cohortProgressJson(await services.cohortMatrix.matrix(cohortId(req), actorOf(req))));
      },
    );
}
