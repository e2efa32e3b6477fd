import { Router } from 'express';
import type { Services } from '../compose';
import { actorOf } from '../web/actor';
import { requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { cohortRaidsView, learnerRecordJson } from './reports.presenter';
import { raidsQuerySchema } from './reports.schema';

/** Pages: a cohort's raid reports and a learner's record, for the cohort's trainers and admins. */
export function reportRoutes(services: Services): Router {
  const router = Router();
  router.get('/cohorts/:id/raids', requireRole('trainer', 'admin'), (req, res) => {
    const { area } = parseQuery(raidsQuerySchema, req);
    const data = services.reports.cohortRaids(Number(req.params.id), actorOf(req));
    renderPage(req, res, 'work/cohort-raids', {
      title: `Raid reports: ${data.cohort.name}`,
      ...cohortRaidsView(data, area),
    });
  });
  router.get('/cohorts/:id/learners/:userId', requireRole('trainer', 'admin'), (req, res) => {
    const record = services.reports.learnerRecord(
      Number(req.params.id),
      Number(req.params.userId),
      actorOf(req),
    );
    renderPage(req, res, 'work/learner-record', {
      title: `${record.learner.name}: learning record`,
      ...record,
      bodyClass: 'pw-print-page',
    });
  });
  return router;
}

/** API: a learner's record. */
export function reportApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/cohorts/:id/learners/:userId', requireRole('trainer', 'admin'), (req, res) => {
    const record = services.reports.learnerRecord(
      Number(req.params.id),
      Number(req.params.userId),
      actorOf(req),
    );
    res.json(learnerRecordJson(record));
  });
  return router;
}
