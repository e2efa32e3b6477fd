import { Router } from 'express';
import type { Services } from '../compose';
import { NotFound } from '../shared/errors';
import { actorOf } from '../web/actor';
import { z } from 'zod';
import { ApiRouter, jsonResponse, strId } from '../web/api-route';
import { requireUser } from '../web/guards';
import { packForRequest, packVersionForRequest } from '../web/pack-choice';
import { renderPage } from '../web/render';
import { sendModulePage } from './module-page';
import { areaTitles, moduleJson, packJson } from './modules.presenter';
import { moduleSchema, packQuerySchema, packSchema } from './modules.schema';

export function moduleRoutes(services: Services): Router {
  const router = Router();

  router.get('/pack', requireUser, async (req, res) => {
    const { pack, versionId } = await packVersionForRequest(services.pages, req);
    const actor = actorOf(req);
    const [moduleStatus, trainerPack] = await Promise.all([
      services.pages.moduleStatuses(actor),
      services.exportBuilds.peek('trainer-pack', versionId, actor),
    ]);
    renderPage(req, res, 'modules/pack', {
      title: pack.title,
      pack,
      areaTitles: areaTitles(pack),
      moduleStatus,
      trainerPack,
      staff: actor.role !== 'learner',
    });
  });

  router.get('/modules/:id', requireUser, async (req, res) => {
    const pack = await packForRequest(services.pages, req);
    const mod = pack.modules.get(String(req.params.id));
    if (!mod) throw new NotFound('There is no module with that name in your pack');
    const view = await services.pages.modulePage(actorOf(req), pack, mod);
    sendModulePage(req, res, { title: mod.title, pack, mod, ...view, saved: req.query.saved });
  });

  router.get('/modules/:id/slides', requireUser, async (req, res) => {
    const pack = await packForRequest(services.pages, req);
    const mod = pack.modules.get(String(req.params.id));
    if (!mod || mod.slides.length === 0) throw new NotFound('There is no slide deck with that name');
    const print = req.query.print === '1';
    renderPage(req, res, 'modules/slides', {
      title: `${mod.title}: slides`,
      mod,
      print,
      bodyClass: print ? 'pw-print-slides' : 'pw-slides',
    });
  });

  // presenter mode: the audience's slides fill the screen with nothing of the site around them (and never a note);
  // the speaker notes, clock and slide timer are a second window that follows them
  for (const [path, view, label] of [
    ['present', 'modules/present', 'presenting'],
    ['notes', 'modules/presenter-notes', 'speaker notes'],
  ] as const) {
    router.get(`/modules/:id/slides/${path}`, requireUser, async (req, res) => {
      const pack = await packForRequest(services.pages, req);
      const mod = pack.modules.get(String(req.params.id));
      if (!mod || mod.slides.length === 0) throw new NotFound('There is no slide deck with that name');
      renderPage(req, res, view, {
        title: `${mod.title}: ${label}`,
        mod,
        bare: true,
        bodyClass: path === 'present' ? 'pw-present-page' : 'pw-notes-page',
      });
    });
  }
  return router;
}

export function moduleApiRoutes(services: Services): ApiRouter {
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/pack',
        operationId: 'getPack',
        tag: 'pack',
        summary: 'The compiled pack you see (a cohort’s variant with `?cohort=`)',
        query: packQuerySchema,
        ok: { 200: jsonResponse(packSchema, 'The pack') },
        answers: [403, 404],
      },
      requireUser,
      async (req, res) => {
        const { pack, versionId } = await packVersionForRequest(services.pages, req);
        res.json(packJson(pack, versionId));
      },
    )
    .route(
      {
        method: 'get',
        path: '/modules/:id',
        operationId: 'getModule',
        tag: 'pack',
        summary: 'One module of the pack you see',
        params: z.object({ id: strId('The module id') }),
        query: packQuerySchema,
        ok: { 200: jsonResponse(moduleSchema, 'The module') },
        answers: [403],
      },
      requireUser,
      async (req, res) => {
        const mod = (await packForRequest(services.pages, req)).modules.get(String(req.params.id));
        if (!mod) throw new NotFound('No module with that id');
        res.json(moduleJson(mod));
      },
    );
}
