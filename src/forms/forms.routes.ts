import { Router } from 'express';
import type { Services } from '../compose';
import { parseInput } from '../shared/validate';
import { renderModuleWithProblems } from '../pages/module-problems';
import { packForRequest } from '../web/pack-choice';
import { actorOf } from '../web/actor';
import { formAction } from '../web/form-action';
import { requireRole } from '../web/guards';
import { safeLocalPath } from '../web/safe-redirect';
import { actionsJson, formHistoryJson, submissionJson } from './forms.presenter';
import {
  actionDoneApiSchema,
  actionDonePageSchema,
  submissionApiSchema,
  submissionPageSchema,
  valuesFromPageBody,
} from './forms.schema';

/** Pages: a module's form (activities, raid plans and reports, the self-assessment) and ticking off actions. */
export function formRoutes(services: Services): Router {
  const router = Router();

  // The form's fields are named `f.group.field`, so are its problems; what the learner typed is shown again.
  router.post(
    '/modules/:id/submissions',
    requireRole('learner'),
    formAction(
      (req, res) => {
        const input = parseInput(submissionPageSchema, req.body);
        services.forms.submit(
          actorOf(req),
          packForRequest(services.pages, req),
          String(req.params.id),
          input,
        );
        res.redirect(303, `/modules/${encodeURIComponent(String(req.params.id))}?saved=form#form`);
      },
      (req, res, problems, status) => {
        const details = problems.details.map((d) => ({ ...d, field: `f.${d.field}` }));
        const formValues = valuesFromPageBody(problems.values);
        renderModuleWithProblems(services, req, res, details, { formValues }, status);
      },
    ),
  );

  router.post('/actions/:id', requireRole('learner'), (req, res) => {
    const { done } = parseInput(actionDonePageSchema, req.body);
    services.forms.setActionDone(actorOf(req), Number(req.params.id), done);
    res.redirect(303, `${safeLocalPath(req.body.returnTo, '/progress').replace(/[?#].*$/, '')}#your-actions`);
  });
  return router;
}

/** API: `/me/forms` and `/me/actions`. */
export function formApiRoutes(services: Services): Router {
  const router = Router();
  router.post('/me/forms/:moduleId', requireRole('learner'), (req, res) => {
    const input = parseInput(submissionApiSchema, req.body);
    const entry = services.forms.submit(
      actorOf(req),
      packForRequest(services.pages, req),
      String(req.params.moduleId),
      input,
    );
    res.status(201).json(submissionJson(entry));
  });
  router.get('/me/forms/:moduleId', requireRole('learner'), (req, res) => {
    res.json(
      formHistoryJson(
        services.forms.mine(actorOf(req), packForRequest(services.pages, req), String(req.params.moduleId)),
      ),
    );
  });
  router.get('/me/actions', requireRole('learner'), (req, res) => {
    res.json(actionsJson(services.reports.actionsOf(actorOf(req).id)));
  });
  router.patch('/me/actions/:id', requireRole('learner'), (req, res) => {
    const { done } = parseInput(actionDoneApiSchema, req.body);
    services.forms.setActionDone(actorOf(req), Number(req.params.id), done);
    res.json({ id: Number(req.params.id), done });
  });
  return router;
}
