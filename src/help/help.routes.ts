import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { renderMarkdown } from '../content/markdown';
import { publicRoute } from '../web/guards';
import { renderPage } from '../web/render';

/**
 * How the pack is used in Packway: platform instructions live here, not in the pack, so a trainer can run the pack
 * anywhere. Rendered once at start with the same safe Markdown as the pack; open to everyone, signed in or not.
 */
export function helpRoutes(file: string): Router {
  const router = Router();
  const html = renderMarkdown(fs.readFileSync(file, 'utf8')).html;
  router.get('/help', publicRoute, (req, res) => renderPage(req, res, 'help/help', { title: 'Help: using the pack in Packway', html }));
  return router;
}

export const HELP_FILE = path.join('help', 'using-packway.md');
