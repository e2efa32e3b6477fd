import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { Services } from '../compose';
import { renderMarkdown } from '../content/markdown';
import { actorOf } from '../web/actor';
import { requireRole, requireUser } from '../web/guards';
import { renderPage } from '../web/render';

/** docs/operations.md, from src/ (ts-jest) or dist/src/ (built). */
function operationsGuideFile(): string {
  const candidates = [
    path.join(__dirname, '..', '..', 'docs', 'operations.md'),
    path.join(__dirname, '..', '..', '..', 'docs', 'operations.md'),
    path.join('docs', 'operations.md'),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

/**
 * The L&D admin's home (`GET /` for admins: learners and trainers go on to their own home) and the operations
 * guide, whose first reading ticks the checklist.
 */
export function adminHomeRoutes(services: Services): Router {
  const router = Router();
  let guide: string | undefined;

  router.get('/', requireUser, async (req, res, next) => {
    const me = actorOf(req);
    if (me.role !== 'admin') return next();
    const [cohorts, users, checklist] = await Promise.all([
      services.cohorts.list(me),
      services.users.count(),
      services.adminHome.checklist(me),
    ]);
    renderPage(req, res, 'home/admin', {
      title: 'Home',
      cohorts,
      users,
      checklist,
      publicUrl: services.adminHome.publicUrl,
      localAddress: services.adminHome.localAddress(),
    });
  });

  router.get('/guide/operations', requireRole('admin'), async (req, res) => {
    // the guide's own title is the page's heading
    guide ??= renderMarkdown(fs.readFileSync(operationsGuideFile(), 'utf8').replace(/^# .*\n/, '')).html;
    await services.adminHome.guideRead(actorOf(req));
    renderPage(req, res, 'home/operations-guide', {
      title: 'Operations guide',
      html: guide,
      publicUrl: services.adminHome.publicUrl,
      localAddress: services.adminHome.localAddress(),
    });
  });
  return router;
}
