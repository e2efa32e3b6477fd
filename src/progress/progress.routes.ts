import { Router, type Request } from 'express';
import type { Services } from '../compose';
import { HttpError } from '../shared/errors';
import { currentUser, handle, requireRole } from '../web/guards';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import { packForRequest } from '../modules/modules.routes';
import { safeLocalPath } from '../web/safe-redirect';

export function progressRoutes(services: Services): Router {
  const router = Router();

  router.get('/', handle((req, res) => {
    const me = currentUser(req);
    if (me.role === 'learner') {
      const pack = packForRequest(services, req);
      return renderPage(req, res, 'home/learner', { title: 'Your learning', ...services.pages.learnerHome(me, pack) });
    }
    const cohorts = services.cohorts.list(me);
    renderPage(req, res, me.role === 'admin' ? 'home/admin' : 'home/trainer', { title: 'Home', cohorts, users: me.role === 'admin' ? services.users.count() : 0 });
  }));

  router.get('/progress', requireRole('learner'), handle((req, res) => {
    const me = currentUser(req);
    const pack = packForRequest(services, req);
    renderPage(req, res, 'progress/learner', { title: 'Your progress', ...services.pages.learnerProgress(me, pack) });
  }));

  router.post('/modules/:id/complete', requireRole('learner'), handle(async (req, res) => {
    const pack = packForRequest(services, req);
    await services.progress.completeModule(currentUser(req), pack, String(req.params.id));
    res.redirect(303, `/modules/${encodeURIComponent(String(req.params.id))}?saved=completed`);
  }));

  router.post('/outcomes/:outcomeId', requireRole('learner'), handle(async (req, res) => {
    const pack = packForRequest(services, req);
    const back = safeLocalPath(req.body.returnTo, '/progress').replace(/[?#].*$/, '');
    const outcomeId = String(req.params.outcomeId);
    try {
      await services.progress.setOutcome(currentUser(req), pack, outcomeId, req.body);
      res.redirect(303, `${back}?saved=${encodeURIComponent(outcomeId)}#outcome-${outcomeId}`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.details.length === 0) throw err;
      const details = err.details.map((d) => ({ ...d, field: `${outcomeId}-${d.field}` }));
      renderPage(req, res, 'progress/learner', {
        title: 'Your progress', ...services.pages.learnerProgress(currentUser(req), pack),
        errors: errorSummary(details), fieldErrors: fieldErrors(details), values: { [outcomeId]: req.body },
      }, err.status);
    }
  }));
  return router;
}

function meOnly(req: Request) {
  return currentUser(req);
}

export function progressApiRoutes(services: Services): Router {
  const router = Router();
  router.use('/me', requireRole('learner'));
  router.get('/me/assignments', (req, res) => {
    const pack = packForRequest(services, req);
    res.json({ assignments: services.progress.assignments(meOnly(req), pack).map(({ moduleId, title, dueAt, status, kind, cohortId }) => ({ moduleId, title, kind, dueAt, status, cohortId })) });
  });
  router.get('/me/progress', (req, res) => {
    res.json({ areas: services.progress.learnerProgress(meOnly(req).id, packForRequest(services, req)) });
  });
  router.post('/me/modules/:id/complete', handle(async (req, res) => {
    res.json(await services.progress.completeModule(meOnly(req), packForRequest(services, req), String(req.params.id)));
  }));
  router.put('/me/outcomes/:outcomeId', handle(async (req, res) => {
    const { outcomeId, status, evidence, updatedAt } = await services.progress.setOutcome(meOnly(req), packForRequest(services, req), String(req.params.outcomeId), req.body);
    res.json({ outcomeId, status, evidence, updatedAt });
  }));
  return router;
}
