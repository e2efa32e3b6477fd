import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { HttpError } from '../shared/errors';
import { currentUser, handle, requireRole } from '../web/guards';
import { errorSummary, renderPage } from '../web/render';

export function variantRoutes(services: Services): Router {
  const router = Router();
  router.use('/variants', requireRole('admin'));
  const v = services.variants;

  const listPage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    renderPage(req, res, 'variants/list', { title: 'Variants of the pack', versions: v.list(), sections: services.packs.base.sections, errors: [], values: {}, report: undefined, ...extra }, status);

  router.get('/variants', (req, res) => listPage(req, res));
  router.post('/variants', handle(async (req, res) => {
    try {
      const report = await v.upload(req.file, req.body, currentUser(req));
      req.flash(`The upload is valid and saved as a draft of ${report.name}: check the changes, preview it, then publish.`);
      res.redirect(303, `/variants/versions/${report.versionId}`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      listPage(req, res, { errors: errorSummary(err.details.map((d) => ({ ...d, field: d.field === 'name' || d.field === 'section' ? d.field : 'file' }))), problemTitle: err.message, values: req.body }, 422);
    }
  }));
  router.get('/variants/versions/:vid', handle((req, res) => {
    const { row, changes } = v.diff(Number(req.params.vid));
    renderPage(req, res, 'variants/version', { title: `${row.variantName} ${row.status === 'draft' ? 'draft' : `v${row.version}`}`, row, changes, pinned: v.cohortsPinned(row.id) });
  }));
  router.get('/variants/versions/:vid/download', handle(async (req, res) => {
    const row = v.version(Number(req.params.vid));
    const zip = await v.zipOf(row.id);
    const slug = row.variantName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'variant';
    res.type('application/zip').attachment(`${slug}-${row.status === 'draft' ? 'draft' : `v${row.version}`}.zip`).send(zip);
  }));
  router.post('/variants/versions/:vid/preview', handle((req, res) => {
    const row = v.version(Number(req.params.vid));
    if (!req.sessionInfo) throw new HttpError(400, 'needs_session', 'Previewing a version works in a signed-in browser: sign in on the web page and try again');
    services.auth.setPreview(req.sessionInfo.idHash, row.id);
    res.redirect(303, '/pack');
  }));
  router.post('/variants/preview/stop', (req, res) => {
    if (req.sessionInfo) services.auth.setPreview(req.sessionInfo.idHash, null);
    res.redirect(303, '/variants');
  });
  router.post('/variants/:id/publish', handle((req, res) => {
    const { versionId } = v.publish(Number(req.params.id), currentUser(req));
    res.redirect(303, `/variants/versions/${versionId}`);
  }));

  router.get('/cohorts/:id/variant', requireRole('trainer', 'admin'), handle((req, res) => {
    const { cohort, pack } = services.cohorts.detail(Number(req.params.id), currentUser(req));
    const to = req.query.to === undefined ? undefined : Number(req.query.to) || null;
    const target = to === undefined ? undefined : services.packs.forVersion(to);
    const changes = target ? services.variants.changesBetween(pack, target) : [];
    renderPage(req, res, 'variants/pin', { title: `Version of the pack for ${cohort.name}`, cohort, choices: v.choices(), current: v.labelOf(cohort.variant_version_id), to, toLabel: to === undefined ? '' : v.labelOf(to), changes });
  }));
  router.post('/cohorts/:id/variant', requireRole('trainer', 'admin'), handle((req, res) => {
    const raw = (req.body as Record<string, unknown>).versionId;
    const to = raw === '' || raw === undefined ? null : Number(raw);
    services.cohorts.pin(Number(req.params.id), to, currentUser(req));
    req.flash(`Learners now see ${v.labelOf(to)}`);
    res.redirect(303, `/cohorts/${Number(req.params.id)}/manage`);
  }));
  return router;
}

export function variantApiRoutes(services: Services): Router {
  const router = Router();
  router.use('/variants', requireRole('admin'));
  router.get('/variants', (_req, res) => {
    res.json({ versions: services.variants.list().map((r) => ({ id: r.id, variantId: r.variant_id, name: r.name, status: r.status, version: r.version, hash: r.hash, createdAt: r.created_at, publishedAt: r.published_at })) });
  });
  router.post('/variants', handle(async (req, res) => {
    const report = await services.variants.upload(req.file, req.body, currentUser(req));
    res.status(201).json({ id: report.variantId, draftId: report.versionId, name: report.name, hash: report.hash, changes: report.changes });
  }));
  router.post('/variants/:id/publish', handle((req, res) => {
    res.status(201).json(services.variants.publish(Number(req.params.id), currentUser(req)));
  }));
  router.get('/variants/versions/:vid/download', handle(async (req, res) => {
    res.type('application/zip').send(await services.variants.zipOf(Number(req.params.vid)));
  }));
  return router;
}
