import { Router, type Request } from 'express';
import type { Services } from '../compose';
import type { Pack } from '../content/types';
import { NotFound } from '../shared/errors';
import { handle } from '../web/guards';
import { renderPage } from '../web/render';
import { actorOf } from '../web/actor';
import { packChoice } from '../web/pack-choice';
import { moduleJson, packJson } from './modules.presenter';

/** The pack this request sees: an admin's draft preview, a `?cohort=` variant, or the person's own. */
export function packForRequest(services: Services, req: Request): Pack {
  return services.pages.packFor(actorOf(req), packChoice(req));
}

export function moduleRoutes(services: Services): Router {
  const router = Router();

  router.get('/pack', (req, res) => {
    const pack = packForRequest(services, req);
    const areaTitles = Object.fromEntries(pack.areas.map((a) => [a.id, a.title]));
    renderPage(req, res, 'modules/pack', { title: pack.title, pack, areaTitles, moduleStatus: services.pages.moduleStatuses(actorOf(req)) });
  });

  router.get(
    '/modules/:id',
    handle((req, res) => {
      const pack = packForRequest(services, req);
      const mod = pack.modules.get(String(req.params.id));
      if (!mod) throw new NotFound('There is no module with that name in your pack');
      const view = services.pages.modulePage(actorOf(req), pack, mod);
      renderPage(req, res, 'modules/module', { title: mod.title, pack, mod, ...view, saved: req.query.saved });
    }),
  );

  router.get(
    '/modules/:id/slides',
    handle((req, res) => {
      const pack = packForRequest(services, req);
      const mod = pack.modules.get(String(req.params.id));
      if (!mod || mod.slides.length === 0) throw new NotFound('There is no slide deck with that name');
      const print = req.query.print === '1';
      renderPage(req, res, 'modules/slides', { title: `${mod.title}: slides`, mod, print, bodyClass: print ? 'pw-print-slides' : 'pw-slides' });
    }),
  );
  return router;
}

export function moduleApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/pack', (req, res) => {
    res.json(packJson(packForRequest(services, req)));
  });
  router.get(
    '/modules/:id',
    handle((req, res) => {
      const mod = packForRequest(services, req).modules.get(String(req.params.id));
      if (!mod) throw new NotFound('No module with that id');
      res.json(moduleJson(mod));
    }),
  );
  return router;
}
