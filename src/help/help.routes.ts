import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { renderMarkdown } from '../content/markdown';
import { publicRoute } from '../web/guards';
import { renderPage } from '../web/render';

/** The help file's first line is its `# Title`: the page's one `<h1>`; the rest is its prose. */
export function splitTitle(source: string, file: string): { heading: string; prose: string } {
  const match = /^# (.+)\r?\n([\s\S]*)$/.exec(source);
  if (!match) throw new Error(`${file} must start with a "# Title" line (the page's heading)`);
  return { heading: match[1].trim(), prose: match[2] };
}

/**
 * How the pack is used in Packway: platform instructions live here, not in the pack, so a trainer can run the pack
 * anywhere. Rendered once at start with the same safe Markdown as the pack; open to everyone, signed in or not.
 */
export function helpRoutes(file: string): Router {
  const router = Router();
  const { heading, prose } = splitTitle(fs.readFileSync(file, 'utf8'), file);
  const html = renderMarkdown(prose).html;
  router.get('/help', publicRoute, (req, res) =>
    renderPage(req, res, 'help/help', { title: 'Help: using the pack in Packway', heading, html }),
  );
  return router;
}

export const HELP_FILE = path.join('help', 'using-packway.md');
