import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { HttpError, NotFound, type ErrorDetail } from '../shared/errors';
import { currentUser, handle, requireRole } from '../web/guards';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import { parseInput } from '../shared/validate';
import { packForRequest } from '../modules/modules.routes';
import { valuesFromPageBody } from './forms.service';
import { safeLocalPath } from '../web/safe-redirect';

function moduleId(req: Request): string {
  return String(req.params.id ?? req.params.moduleId);
}

function linkedIdFrom(raw: unknown): number | null {
  const n = Number(raw);
  return raw === undefined || raw === '' || raw === null ? null : Number.isInteger(n) && n > 0 ? n : -1;
}

/** Re-renders the module page with the problems listed and what the learner typed kept. */
function moduleWithErrors(services: Services, req: Request, res: Response, details: ErrorDetail[], extra: Record<string, unknown>, status: number) {
  const pack = packForRequest(services, req);
  const mod = pack.modules.get(moduleId(req));
  if (!mod) throw new NotFound();
  const view = services.pages.modulePage(currentUser(req), pack, mod);
  renderPage(req, res, 'modules/module', { title: mod.title, pack, mod, ...view, ...extra, errors: errorSummary(details), fieldErrors: fieldErrors(details) }, status);
}

export function workRoutes(services: Services): Router {
  const router = Router();

  router.post('/modules/:id/responses', requireRole('learner'), handle((req, res) => {
    const pack = packForRequest(services, req);
    const mod = pack.modules.get(moduleId(req));
    if (!mod) throw new NotFound();
    const body = req.body as Record<string, unknown>;
    const details: ErrorDetail[] = [];
    for (const p of mod.prompts) {
      const text = body[`answer:${p.id}`];
      if (typeof text !== 'string') continue;
      try {
        services.responses.save(currentUser(req), pack, mod.id, p.id, { text, shared: body[`share:${p.id}`] === '1' });
      } catch (err) {
        if (!(err instanceof HttpError) || !err.details.length) throw err;
        details.push(...err.details.map((d) => ({ field: `answer-${p.id}`, message: `${p.question} ${d.message}` })));
      }
    }
    if (details.length) return moduleWithErrors(services, req, res, details, {}, 422);
    res.redirect(303, `/modules/${encodeURIComponent(mod.id)}?saved=answers#your-answers`);
  }));

  router.post('/modules/:id/submissions', requireRole('learner'), handle((req, res) => {
    const pack = packForRequest(services, req);
    const values = valuesFromPageBody(req.body as Record<string, unknown>);
    try {
      services.forms.submit(currentUser(req), pack, moduleId(req), values, linkedIdFrom((req.body as Record<string, unknown>).linkedId));
    } catch (err) {
      if (!(err instanceof HttpError) || !err.details.length) throw err;
      const details = err.details.map((d) => ({ ...d, field: `f.${d.field}` }));
      return moduleWithErrors(services, req, res, details, { formValues: values }, err.status);
    }
    res.redirect(303, `/modules/${encodeURIComponent(moduleId(req))}?saved=form#form`);
  }));

  router.post('/actions/:id', requireRole('learner'), handle((req, res) => {
    const { done } = parseInput(z.object({ done: z.enum(['0', '1'], 'Choose done or not done') }), req.body);
    services.forms.setActionDone(currentUser(req), Number(req.params.id), done === '1');
    res.redirect(303, `${safeLocalPath(req.body.returnTo, '/progress').replace(/[?#].*$/, '')}#your-actions`);
  }));

  router.get('/cohorts/:id/shared', handle((req, res) => {
    const moduleParam = typeof req.query.module === 'string' ? req.query.module : undefined;
    const data = services.reports.sharedAnswers(Number(req.params.id), moduleParam, currentUser(req));
    renderPage(req, res, 'work/shared', { title: `Shared answers: ${data.cohort.name}`, ...data });
  }));

  router.get('/cohorts/:id/raids', requireRole('trainer', 'admin'), handle((req, res) => {
    const data = services.reports.cohortRaids(Number(req.params.id), currentUser(req));
    const area = typeof req.query.area === 'string' && data.pack.areas.some((a) => a.id === req.query.area) ? req.query.area : '';
    renderPage(req, res, 'work/cohort-raids', { title: `Raid reports: ${data.cohort.name}`, ...data, area });
  }));

  router.get('/cohorts/:id/learners/:userId', requireRole('trainer', 'admin'), handle((req, res) => {
    const record = services.reports.learnerRecord(Number(req.params.id), Number(req.params.userId), currentUser(req));
    renderPage(req, res, 'work/learner-record', { title: `${record.learner.name}: learning record`, ...record, bodyClass: 'pw-print-page' });
  }));
  return router;
}

export function workApiRoutes(services: Services): Router {
  const router = Router();
  router.put('/me/responses/:moduleId/:promptId', requireRole('learner'), handle((req, res) => {
    res.json(services.responses.save(currentUser(req), packForRequest(services, req), String(req.params.moduleId), String(req.params.promptId), req.body));
  }));
  router.get('/me/responses/:moduleId', requireRole('learner'), handle((req, res) => {
    const rows = [...services.responses.forModule(currentUser(req).id, String(req.params.moduleId)).values()];
    res.json({ responses: rows.map((r) => ({ promptId: r.prompt_id, text: r.text, shared: r.shared === 1, updatedAt: r.updated_at })) });
  }));
  router.post('/me/forms/:moduleId', requireRole('learner'), handle((req, res) => {
    const body = parseInput(z.object({ values: z.record(z.string(), z.unknown()), linkedId: z.number().int().positive().nullable().optional() }), req.body);
    const sub = services.forms.submit(currentUser(req), packForRequest(services, req), moduleId(req), body.values, body.linkedId ?? null);
    res.status(201).json(sub);
  }));
  router.get('/me/forms/:moduleId', requireRole('learner'), handle((req, res) => {
    const pack = packForRequest(services, req);
    const mod = services.forms.formModule(pack, moduleId(req));
    const submissions = services.forms.forModule(currentUser(req).id, mod.id);
    const chart = services.forms.chartFor(mod, submissions);
    res.json({ submissions, chart: chart ? { attempts: chart.attempts, rows: chart.rows } : null });
  }));
  router.get('/me/actions', requireRole('learner'), (req, res) => {
    res.json({ actions: services.reports.actionsOf(currentUser(req).id).map((a) => ({ id: a.id, moduleId: a.module_id, text: a.text, dueOn: a.due_on, done: a.done === 1, overdue: a.overdue })) });
  });
  router.patch('/me/actions/:id', requireRole('learner'), handle((req, res) => {
    const { done } = parseInput(z.object({ done: z.boolean() }), req.body);
    services.forms.setActionDone(currentUser(req), Number(req.params.id), done);
    res.json({ id: Number(req.params.id), done });
  }));
  router.get('/cohorts/:id/learners/:userId', requireRole('trainer', 'admin'), handle((req, res) => {
    const r = services.reports.learnerRecord(Number(req.params.id), Number(req.params.userId), currentUser(req));
    res.json({ learner: r.learner, areas: r.areas, assignments: r.assignments, answers: r.answers, raids: r.raids, selfAssessments: r.assessments.attempts, chart: r.assessments.chart && { attempts: r.assessments.chart.attempts, rows: r.assessments.chart.rows }, actions: r.actions });
  }));
  router.get('/events', requireRole('admin'), handle((req, res) => {
    res.json(services.xapi.statements(req.query));
  }));
  return router;
}

