import { Router } from 'express';
import type { Services } from '../compose';
import { actorOf } from '../web/actor';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { cohortProgressJson, matrixPage } from './cohorts.presenter';
import { matrixQuerySchema } from './cohorts.schema';
import { cohortId } from './manage-page';
import { progressCsv } from './matrix.view';

/** The progress matrix of a cohort, the evidence behind one of its cells, and the same data as CSV. */
export function matrixRoutes(services: Services): Router {
  const router = Router();
  router.get('/cohorts/:id', async (req, res) => {
    const query = parseQuery(matrixQuerySchema, req);
    renderPage(
      req,
      res,
      'cohorts/matrix',
      matrixPage(await services.cohortMatrix.matrix(cohortId(req), actorOf(req)), query),
    );
  });

  router.get('/cohorts/:id/learners/:userId/outcomes/:outcomeId', async (req, res) => {
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

  router.get('/cohorts/:id/progress.csv', async (req, res) => {
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
export function matrixApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/cohorts/:id/progress.csv', async (req, res) => {
    const data = await services.cohortMatrix.matrix(cohortId(req), actorOf(req));
    const evidence = await services.reports.cohortEvidence(data.cohort.id, actorOf(req));
    res.type('text/csv').send(progressCsv(data, evidence));
  });
  router.get('/cohorts/:id/progress', async (req, res) => {
    res.json(cohortProgressJson(await services.cohortMatrix.matrix(cohortId(req), actorOf(req))));
  });
  return router;
}
