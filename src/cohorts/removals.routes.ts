import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { NotFound } from '../shared/errors';
import { actorOf } from '../web/actor';
import { renderPage } from '../web/render';
import {
  confirmRemoveMember,
  confirmRemoveTrainer,
  confirmUnassign,
  memberRemoved,
  trainerRemoved,
  undone,
} from './cohorts.messages';
import { cohortId, manageForm } from './manage-page';

/**
 * Taking learners and trainers out of a cohort, with a confirmation first and an undo after. (Taking a module off is
 * the assignment form's "remove" action, in assignments.routes; its confirmation is here with the others.)
 */
export function removalRoutes(services: Services): Router {
  const router = Router();
  const confirmPage = async (
    req: Request,
    res: Response,
    what: { title: string; body: string; action: string; button: string; hidden?: Record<string, string> },
  ) => {
    const cohort = await services.cohorts.manageable(cohortId(req), actorOf(req));
    renderPage(req, res, 'cohorts/confirm', { ...what, cohort });
  };
  router.get('/cohorts/:id/members/:userId/remove', async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const m = data.members.find((x) => x.id === Number(req.params.userId));
    if (!m) throw new NotFound('That person is not in this cohort');
    await confirmPage(req, res, {
      ...confirmRemoveMember(m.name, data.cohort.name),
      action: `/cohorts/${data.cohort.id}/members/${m.id}/remove`,
    });
  });
  router.get('/cohorts/:id/trainers/:userId/remove', async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const tr = data.trainers.find((x) => x.id === Number(req.params.userId));
    if (!tr) throw new NotFound('That person is not a trainer of this cohort');
    await confirmPage(req, res, {
      ...confirmRemoveTrainer(tr.name, data.cohort.name),
      action: `/cohorts/${data.cohort.id}/trainers/${tr.id}/remove`,
    });
  });
  router.get('/cohorts/:id/assignments/:aid/remove', async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const a = data.assignments.find((x) => x.id === Number(req.params.aid));
    if (!a) throw new NotFound('No such assignment');
    await confirmPage(req, res, {
      ...confirmUnassign(a.title, a.dueAt),
      action: `/cohorts/${data.cohort.id}/assignments/${a.id}`,
      hidden: { action: 'remove' },
    });
  });
  router.post('/cohorts/:id/removals/:rid/undo', async (req, res) => {
    const r = await services.cohortRemovals.undoRemoval(cohortId(req), Number(req.params.rid), actorOf(req));
    await req.flash(undone(r));
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  });
  router.post(
    '/cohorts/:id/members/:userId/remove',
    manageForm(services, async (req) => {
      const r = await services.cohortRemovals.removeMember(
        cohortId(req),
        Number(req.params.userId),
        actorOf(req),
      );
      return memberRemoved(r.name);
    }),
  );
  router.post(
    '/cohorts/:id/trainers/:userId/remove',
    manageForm(services, async (req) => {
      const r = await services.cohortRemovals.removeTrainer(
        cohortId(req),
        Number(req.params.userId),
        actorOf(req),
      );
      return trainerRemoved(r.name);
    }),
  );
  return router;
}

/** `DELETE /api/v1/cohorts/:id/members/:userId` and `…/assignments/:aid`. */
export function removalApiRoutes(services: Services): Router {
  const router = Router();
  router.delete('/cohorts/:id/members/:userId', async (req, res) => {
    await services.cohortRemovals.removeMember(cohortId(req), Number(req.params.userId), actorOf(req));
    res.status(204).end();
  });
  router.delete('/cohorts/:id/assignments/:aid', async (req, res) => {
    await services.cohortRemovals.removeAssignment(cohortId(req), Number(req.params.aid), actorOf(req));
    res.status(204).end();
  });
  return router;
}
