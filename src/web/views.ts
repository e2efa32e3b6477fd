import path from 'node:path';
import ejs from 'ejs';
import type { Express } from 'express';
import type { Config } from '../config';
import { escapeForTemplate } from '../shared/html';
import { viewHelpers } from './view-helpers';

/**
 * EJS views compiled once; in production without EJS's per-statement line tracking (a third of render time).
 * Includes name their file from the views folder (`include('/partials/input')`): EJS resolves such a path without
 * asking the disk, where a relative include costs an `existsSync` on every render.
 */
export function useViews(app: Express, root: string, config: Config): void {
  const views = path.join(root, 'views');
  const options = {
    cache: true,
    compileDebug: config.NODE_ENV !== 'production',
    root: views,
    escape: escapeForTemplate,
  };
  app.set('views', views);
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
    ejs.renderFile(file, data as ejs.Data, options, done);
  });
  app.locals.h = viewHelpers;
  app.locals.serviceName = 'Packway';
}
