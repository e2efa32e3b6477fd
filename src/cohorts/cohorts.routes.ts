import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { HttpError, Invalid } from '../shared/errors';
import { currentUser, handle, requireRole } from '../web/guards';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import { parseCsv } from '../shared/csv';
import { dateFromParts } from './cohorts.schema';
import { matrixHtml, progressCsv } from './matrix.view';


function cohortId(req: Request): number {
  return Number(req.params.id);
}

/** Emails from a pasted list (commas, spaces or new lines) or a CSV whose first column (or `email` column) holds them. */
function emailsFrom(req: Request): string[] {
  const body = req.body as Record<string, unknown>;
  if (req.file) {
    const rows = parseCsv(req.file.buffer.toString('utf8')).filter((r) => r.some((c) => c.trim()));
    const header = rows[0]?.map((c) => c.trim().toLowerCase()) ?? [];
    const col = Math.max(0, header.indexOf('email'));
    return rows.slice(header.includes('email') ? 1 : 0).map((r) => (r[col] ?? '').trim()).filter(Boolean);
  }
  const text = typeof body.emails === 'string' ? body.emails : '';
  return text.split(/[\s,;]+/).map((e) => e.trim()).filter(Boolean);
}

export function cohortRoutes(services: Services): Router {
  const router = Router();
  router.use('/cohorts', requireRole('trainer', 'admin'));

  const listPage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    renderPage(req, res, 'cohorts/list', {
      title: 'Cohorts', cohorts: services.cohorts.list(currentUser(req)), versions: services.variants.choices(),
      values: {}, errors: [], fieldErrors: {}, ...extra,
    }, status);
  };
  router.get('/cohorts', (req, res) => listPage(req, res));
  router.post('/cohorts', handle((req, res) => {
    try {
      const cohort = services.cohorts.create(req.body, currentUser(req));
      res.redirect(303, `/cohorts/${cohort.id}/manage`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.details.length === 0) throw err;
      listPage(req, res, { values: req.body, errors: errorSummary(err.details), fieldErrors: fieldErrors(err.details) }, err.status);
    }
  }));

  router.get('/cohorts/:id', handle((req, res) => {
    const data = services.cohorts.matrix(cohortId(req), currentUser(req));
    const area = typeof req.query.area === 'string' ? req.query.area : '';
    const areas = area && data.pack.areas.some((a) => a.id === area) ? data.pack.areas.filter((a) => a.id === area) : data.pack.areas;
    renderPage(req, res, 'cohorts/matrix', {
      title: data.cohort.name, ...data, area, matrix: matrixHtml(data, areas),
      overdue: data.learners.reduce((n, l) => n + Object.values(l.modules).filter((s) => s === 'overdue').length, 0),
    });
  }));

  router.get('/cohorts/:id/progress.csv', handle((req, res) => {
    const data = services.cohorts.matrix(cohortId(req), currentUser(req));
    res.type('text/csv').attachment(`cohort-${data.cohort.id}-progress.csv`).send(progressCsv(data));
  }));

  const managePage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const data = services.cohorts.detail(cohortId(req), currentUser(req));
    const modules = data.pack.sections.flatMap((s) => s.modules.map((m) => ({ id: m.id, title: m.title, section: s.title })));
    renderPage(req, res, 'cohorts/manage', {
      title: `Manage ${data.cohort.name}`, ...data, modules, versions: services.variants.choices(), pinLabel: services.variants.labelOf(data.cohort.variant_version_id),
      errors: [], fieldErrors: {}, values: {}, ...extra,
    }, status);
  };
  const withErrors = (fn: (req: Request, res: Response) => void) => handle((req, res) => {
    try {
      fn(req, res);
    } catch (err) {
      if (!(err instanceof HttpError) || err.details.length === 0) throw err;
      managePage(req, res, { values: req.body, errors: errorSummary(err.details), fieldErrors: fieldErrors(err.details) }, err.status);
    }
  });

  router.get('/cohorts/:id/manage', handle((req, res) => managePage(req, res)));
  router.post('/cohorts/:id/members', withErrors((req, res) => {
    const emails = emailsFrom(req);
    if (emails.length === 0) throw new Invalid([{ field: 'emails', message: 'Enter at least one email address or choose a CSV file' }]);
    const result = services.cohorts.enrol(cohortId(req), { emails }, currentUser(req));
    req.flash(`${result.added} enrolled${result.alreadyMembers ? `, ${result.alreadyMembers} already in the cohort` : ''}`);
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  }));
  router.post('/cohorts/:id/members/:userId/remove', withErrors((req, res) => {
    services.cohorts.removeMember(cohortId(req), Number(req.params.userId), currentUser(req));
    req.flash('Removed from the cohort');
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  }));
  router.post('/cohorts/:id/trainers', withErrors((req, res) => {
    services.cohorts.addTrainer(cohortId(req), String(req.body.trainerEmail ?? ''), currentUser(req));
    req.flash('Trainer added');
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  }));
  router.post('/cohorts/:id/trainers/:userId/remove', withErrors((req, res) => {
    services.cohorts.removeTrainer(cohortId(req), Number(req.params.userId), currentUser(req));
    req.flash('Trainer removed');
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  }));
  router.post('/cohorts/:id/assignments', withErrors((req, res) => {
    const b = req.body as Record<string, unknown>;
    services.cohorts.assign(cohortId(req), { moduleId: b.moduleId, dueAt: dateFromParts(b['dueAt-day'], b['dueAt-month'], b['dueAt-year']) }, currentUser(req));
    req.flash('Module assigned');
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  }));
  router.post('/cohorts/:id/assignments/:aid', withErrors((req, res) => {
    const b = req.body as Record<string, unknown>;
    if (b.action === 'remove') services.cohorts.removeAssignment(cohortId(req), Number(req.params.aid), currentUser(req));
    else {
      const p = `dueAt-${Number(req.params.aid)}`;
      services.cohorts.changeAssignment(cohortId(req), Number(req.params.aid), dateFromParts(b[`${p}-day`], b[`${p}-month`], b[`${p}-year`]), currentUser(req));
    }
    req.flash('Assignment updated');
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  }));
  router.post('/cohorts/:id/details', withErrors((req, res) => {
    services.cohorts.update(cohortId(req), req.body, currentUser(req));
    req.flash('Cohort details saved');
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  }));
  return router;
}

export function cohortApiRoutes(services: Services): Router {
  const router = Router();
  router.use('/cohorts', requireRole('trainer', 'admin'));
  router.get('/cohorts', (req, res) => {
    res.json({ cohorts: services.cohorts.list(currentUser(req)).map((c) => ({ id: c.id, name: c.name, members: c.members, variantVersionId: c.variant_version_id })) });
  });
  router.post('/cohorts', handle((req, res) => {
    const c = services.cohorts.create(req.body, currentUser(req));
    res.status(201).json({ id: c.id, name: c.name, description: c.description, variantVersionId: c.variant_version_id });
  }));
  router.get('/cohorts/:id', handle((req, res) => {
    const d = services.cohorts.detail(cohortId(req), currentUser(req));
    res.json({
      id: d.cohort.id, name: d.cohort.name, description: d.cohort.description, variantVersionId: d.cohort.variant_version_id,
      trainers: d.trainers.map((t) => ({ id: t.id, email: t.email, name: t.name })),
      members: d.members.map((m) => ({ id: m.id, email: m.email, name: m.name })),
      assignments: d.assignments,
    });
  }));
  router.post('/cohorts/:id/members', handle((req, res) => {
    res.status(201).json(services.cohorts.enrol(cohortId(req), req.body, currentUser(req)));
  }));
  router.delete('/cohorts/:id/members/:userId', handle((req, res) => {
    services.cohorts.removeMember(cohortId(req), Number(req.params.userId), currentUser(req));
    res.status(204).end();
  }));
  router.post('/cohorts/:id/assignments', handle((req, res) => {
    const id = services.cohorts.assign(cohortId(req), req.body, currentUser(req));
    res.status(201).json({ id });
  }));
  router.put('/cohorts/:id/assignments/:aid', handle((req, res) => {
    services.cohorts.changeAssignment(cohortId(req), Number(req.params.aid), (req.body as Record<string, unknown>)?.dueAt, currentUser(req));
    res.json({ id: Number(req.params.aid) });
  }));
  router.delete('/cohorts/:id/assignments/:aid', handle((req, res) => {
    services.cohorts.removeAssignment(cohortId(req), Number(req.params.aid), currentUser(req));
    res.status(204).end();
  }));
  router.put('/cohorts/:id/variant', handle((req, res) => {
    const v = (req.body as Record<string, unknown>)?.variantVersionId;
    services.cohorts.pin(cohortId(req), typeof v === 'number' ? v : null, currentUser(req));
    res.json({ id: cohortId(req), variantVersionId: typeof v === 'number' ? v : null });
  }));
  router.get('/cohorts/:id/progress.csv', handle((req, res) => {
    const data = services.cohorts.matrix(cohortId(req), currentUser(req));
    res.type('text/csv').send(progressCsv(data));
  }));
  router.get('/cohorts/:id/progress', handle((req, res) => {
    const d = services.cohorts.matrix(cohortId(req), currentUser(req));
    res.json({
      cohort: { id: d.cohort.id, name: d.cohort.name },
      outcomes: d.outcomeIds,
      modules: d.assignments.map((a) => ({ id: a.moduleId, dueAt: a.dueAt })),
      learners: d.learners.map((l) => ({ id: l.id, email: l.email, name: l.name, outcomes: l.outcomes, completedModules: l.completedModules, modules: l.modules })),
    });
  }));
  return router;
}
