import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import type { Pack } from '../content/types';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { formAction, type FormProblems } from '../web/form-action';
import { requireRole } from '../web/guards';
import { packChoice } from '../web/pack-choice';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import { safeLocalPath } from '../web/safe-redirect';
import { assignmentsJson, outcomeJson } from './progress.presenter';
import { outcomeUpdateSchema } from './progress.schema';

export function progressRoutes(services: Services): Router {
  const router = Router();
  const packOf = (req: Request): Pack => services.pages.packFor(actorOf(req), packChoice(req));

  router.get('/', (req, res) => {
    const me = actorOf(req);
    if (me.role === 'learner') {
      return renderPage(req, res, 'home/learner', {
        title: 'Your learning',
        ...services.pages.learnerHome(me, packOf(req)),
      });
    }
    const cohorts = services.cohorts.list(me);
    const users = me.role === 'admin' ? services.users.count() : 0;
    renderPage(req, res, me.role === 'admin' ? 'home/admin' : 'home/trainer', {
      title: 'Home',
      cohorts,
      users,
    });
  });

  router.get('/progress', requireRole('learner'), (req, res) => {
    renderPage(req, res, 'progress/learner', {
      title: 'Your progress',
      ...services.pages.learnerProgress(actorOf(req), packOf(req)),
    });
  });

  router.post('/modules/:id/complete', requireRole('learner'), async (req, res) => {
    await services.progress.completeModule(actorOf(req), packOf(req), String(req.params.id));
    res.redirect(303, `/modules/${encodeURIComponent(String(req.params.id))}?saved=completed`);
  });

  // The form's problems are named after the outcome (`LI1-evidence`), as one page holds a form per outcome.
  const progressPage = (req: Request, res: Response, problems: FormProblems, status: number) => {
    const outcomeId = String(req.params.outcomeId);
    const details = problems.details.map((d) => ({ ...d, field: `${outcomeId}-${d.field}` }));
    renderPage(
      req,
      res,
      'progress/learner',
      {
        title: 'Your progress',
        ...services.pages.learnerProgress(actorOf(req), packOf(req)),
        errors: errorSummary(details),
        fieldErrors: fieldErrors(details),
        values: { [outcomeId]: problems.values },
      },
      status,
    );
  };
  router.post(
    '/outcomes/:outcomeId',
    requireRole('learner'),
    formAction(async (req, res) => {
      const back = safeLocalPath(req.body.returnTo, '/progress').replace(/[?#].*$/, '');
      const outcomeId = String(req.params.outcomeId);
      const pack = packOf(req);
      await services.progress.setOutcome(
        actorOf(req),
        pack,
        outcomeId,
        parseInput(outcomeUpdateSchema, req.body),
      );
      res.redirect(303, `${back}?saved=${encodeURIComponent(outcomeId)}#outcome-${outcomeId}`);
    }, progressPage),
  );
  return router;
}

export function progressApiRoutes(services: Services): Router {
  const router = Router();
  const packOf = (req: Request): Pack => services.pages.packFor(actorOf(req), packChoice(req));
  router.use('/me', requireRole('learner'));
  router.get('/me/assignments', (req, res) => {
    res.json(assignmentsJson(services.progress.assignments(actorOf(req), packOf(req))));
  });
  router.get('/me/progress', (req, res) => {
    res.json({ areas: services.progress.learnerProgress(actorOf(req).id, packOf(req)) });
  });
  router.post('/me/modules/:id/complete', async (req, res) => {
    res.json(await services.progress.completeModule(actorOf(req), packOf(req), String(req.params.id)));
  });
  router.put('/me/outcomes/:outcomeId', async (req, res) => {
    const data = parseInput(outcomeUpdateSchema, req.body);
    res.json(
      outcomeJson(
        await services.progress.setOutcome(actorOf(req), packOf(req), String(req.params.outcomeId), data),
      ),
    );
  });
  return router;
}
