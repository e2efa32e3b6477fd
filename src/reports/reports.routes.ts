import { Router, type Request } from 'express';
import type { Services } from '../compose';
import { actorOf } from '../web/actor';
import { z } from 'zod';
import { ApiRouter, intId, jsonResponse } from '../web/api-route';
import { requireCohortAccess, requireUser } from '../web/guards';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { cohortRaidsView, learnerRecordJson } from './reports.presenter';
import { learnerRecordJsonSchema, raidsQuerySchema } from './reports.schema';
import { readableRecord, recordCsv } from './record.view';

/** A file name from a person's name: "Zoë O'Neill" → "zo-o-neill". */
function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'learner'
  );
}

/** Pages: a cohort's raid reports and a learner's record, for the cohort's trainers and admins; one's own record. */
export function reportRoutes(services: Services): Router {
  const router = Router();
  router.get('/cohorts/:id/raids', requireCohortAccess('trainer', 'admin'), async (req, res) => {
    const { area } = parseQuery(raidsQuerySchema, req);
    const data = await services.reports.cohortRaids(Number(req.params.id), actorOf(req));
    renderPage(req, res, 'work/cohort-raids', {
      title: `Raid reports: ${data.cohort.name}`,
      ...cohortRaidsView(data, area),
    });
  });
  const trainerView = (req: Request) =>
    services.reports.learnerRecord(Number(req.params.id), Number(req.params.userId), actorOf(req));
  router.get('/cohorts/:id/learners/:userId', requireCohortAccess('trainer', 'admin'), async (req, res) => {
    const { cohort, ...record } = await trainerView(req);
    renderPage(req, res, 'work/learner-record', {
      title: `${record.learner.name}: learning record`,
      cohort,
      record: readableRecord(record),
      generatedAt: new Date(),
      bodyClass: 'pw-print-page pw-record-page',
    });
  });
  router.get(
    '/cohorts/:id/learners/:userId/record.csv',
    requireCohortAccess('trainer', 'admin'),
    async (req, res) => {
      const { cohort, ...record } = await trainerView(req);
      res
        .type('text/csv; charset=utf-8')
        .attachment(`${slug(record.learner.name)}-learning-record-cohort-${cohort.id}.csv`)
        .send(recordCsv(record));
    },
  );

  // The person's own record, whole: to print (or save as a PDF) for an appraisal, or to download as a spreadsheet
  router.get('/account/record', requireUser, async (req, res) => {
    const record = await services.reports.ownRecord(actorOf(req));
    renderPage(req, res, 'privacy/record', {
      title: 'Your learning record',
      record: readableRecord(record),
      // the badges the record's confirmed areas earned, with the address anyone can check each at
      badges: (await services.badges.mine(actorOf(req))).map((b) => ({
        ...b,
        url: services.badges.urls.badge(b.id),
      })),
      generatedAt: new Date(),
      bodyClass: 'pw-print-page pw-record-page',
    });
  });
  router.get('/account/record.csv', requireUser, async (req, res) => {
    const record = await services.reports.ownRecord(actorOf(req));
    res.type('text/csv; charset=utf-8').attachment('packway-learning-record.csv').send(recordCsv(record));
  });
  return router;
}

/** API: a learner's record. */
export function reportApiRoutes(services: Services): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/cohorts/:id/learners/:userId',
      operationId: 'getLearnerRecord',
      tag: 'reports',
      summary: 'Everything a learner in the cohort did (a trainer sees work since they joined this cohort)',
      params: z.object({ id: intId('The cohort'), userId: intId('The learner') }),
      ok: { 200: jsonResponse(learnerRecordJsonSchema, 'The learner’s record') },
    },
    requireCohortAccess('trainer', 'admin'),
    async (req, res) => {
      const record = await services.reports.learnerRecord(
        Number(req.params.id),
        Number(req.params.userId),
        actorOf(req),
      );
      res.json(learnerRecordJson(record));
    },
  );
}
