import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { NotFound } from '../shared/errors';
import { actorOf } from '../web/actor';
import { ApiRouter, intId } from '../web/api-route';
import { requireCohortAccess } from '../web/guards';
import { renderPage } from '../web/render';
import {
  confirmRemoveMember,
  confirmRemoveTrainer,
  confirmUnassign,
  memberRemoved,
  trainerRemoved,
  undone,
} from './cohorts.messages';
import { cohortId, cohortParams, manageForm } from './manage-page';

/** The cohort's trainers and any admin (the cohort's own list is checked by the service each route calls). */
const cohortStaff = requireCohortAccess('trainer', 'admin');

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
  router.get('/cohorts/:id/members/:userId/remove', cohortStaff, async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const m = data.members.find((x) => x.id === Number(req.params.userId));
    if (!m) throw new NotFound('That person is not in this cohort');
    await confirmPage(req, res, {
      ...confirmRemoveMember(m.name, data.cohort.name),
      action: `/cohorts/${data.cohort.id}/members/${m.id}/remove`,
    });
  });
  router.get('/cohorts/:id/trainers/:userId/remove', cohortStaff, async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const tr = data.trainers.find((x) => x.id === Number(req.params.userId));
    if (!tr) throw new NotFound('That person is not a trainer of this cohort');
    await confirmPage(req, res, {
      ...confirmRemoveTrainer(tr.name, data.cohort.name),
      action: `/cohorts/${data.cohort.id}/trainers/${tr.id}/remove`,
    });
  });
  router.get('/cohorts/:id/assignments/:aid/remove', cohortStaff, async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const a = data.assignments.find((x) => x.id === Number(req.params.aid));
    if (!a) throw new NotFound('No such assignment');
    await confirmPage(req, res, {
      ...confirmUnassign(a.title, a.dueAt),
      action: `/cohorts/${data.cohort.id}/assignments/${a.id}`,
      hidden: { action: 'remove' },
    });
  });
  router.post('/cohorts/:id/removals/:rid/undo', cohortStaff, async (req, res) => {
    const r = await services.cohortRemovals.undoRemoval(cohortId(req), Number(req.params.rid), actorOf(req));
    await req.flash(undone(r));
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  });
  router.post(
    '/cohorts/:id/members/:userId/remove',
    cohortStaff,
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
    cohortStaff,
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
export function removalApiRoutes(services: Services): ApiRouter {
  return new ApiRouter()
    .route(
      {
        method: 'delete',
        path: '/cohorts/:id/members/:userId',
        operationId: 'removeMember',
        tag: 'cohorts',
        summary: 'Remove a learner from the cohort (their records stay)',
        params: cohortParams.extend({ userId: intId('The learner') }),
        ok: { 204: { description: 'Removed' } },
      },
      cohortStaff,
      async (req, res) => {
        await services.cohortRemovals.removeMember(cohortId(req), Number(req.params.userId), actorOf(req));
        res.status(204).end();
      },
    )
    .route(
      {
        method: 'delete',
        path: '/cohorts/:id/assignments/:aid',
        operationId: 'removeAssignment',
        tag: 'cohorts',
        summary: 'Remove an assignment',
        params: cohortParams.extend({ aid: intId('The assignment') }),
        ok: { 204: { description: 'Removed' } },
      },
      cohortStaff,
      async (req, res) => {
        await services.cohortRemovals.removeAssignment(cohortId(req), Number(req.params.aid), actorOf(req));
        res.status(204).end();
      },
    );
}
