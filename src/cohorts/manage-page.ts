import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { actorOf } from '../web/actor';
import { intId } from '../web/api-route';
import { formAction, type FormProblems } from '../web/form-action';
import { renderPage } from '../web/render';
import { removalLine } from './cohorts.messages';
import { assignableModules } from './cohorts.presenter';

/** The cohort named in the path (`/cohorts/:id/…`). */
export function cohortId(req: Request): number {
  return Number(req.params.id);
}

/** The same, as the API's contracts describe it. */
export const cohortParams = z.object({ id: intId('The cohort') });

/**
 * The manage page, where most cohort forms live (details, learners, trainers, assignments, undo): each routes file
 * shows it again with the problems of its own form.
 */
export function managePage(services: Services) {
  return async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const [versions, pinLabel, removals, lmsSync] = await Promise.all([
      services.variants.choices(),
      services.variants.labelOf(data.cohort.variantVersionId),
      services.cohortRemovals.recentRemovals(data.cohort.id, actorOf(req)),
      services.ltiRoster.syncable(data.cohort.id),
    ]);
    renderPage(
      req,
      res,
      'cohorts/manage',
      {
        title: `Manage ${data.cohort.name}`,
        ...data,
        modules: assignableModules(data),
        versions,
        pinLabel,
        removals: removals.map(removalLine),
        lmsSync,
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
        values: problems?.values ?? {},
      },
      status,
    );
  };
}

/** A form on the manage page: on success, a message and back to the page; on problems, the page with them. */
export function manageForm(services: Services, action: (req: Request) => Promise<string>) {
  return formAction(async (req, res) => {
    await req.flash(await action(req));
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  }, managePage(services));
}
