import path from 'node:path';
import ejs from 'ejs';
import type { Application, Express } from 'express';
import type { Config } from '../config';
import { escapeForTemplate } from '../shared/html';
import { viewHelpers } from './view-helpers';

/**
 * EJS views compiled once; in production without EJS's per-statement line tracking (a third of render time).
 * Includes name their file from the views folder (`include('/partials/input')`): EJS resolves such a path without
 * asking the disk, where a relative include costs an `existsSync` on every render.
 */
/** Each app's synchronous view renderer (see `renderView`). */
const renderers = new WeakMap<Application, (view: string, data: object) => string>();

/**
 * Renders a view now and returns its HTML: the same compiled template, options and data (the app's locals under the
 * given ones) as `app.render`, without its lookup and callbacks.
 */
export function renderView(app: Application, view: string, data: object): string {
  const render = renderers.get(app);
  if (!render) throw new Error('useViews has not been called on this app');
  return render(view, data);
}

/** Whether `useViews` set this app up (an app without it renders through Express). */
export function hasViews(app: Application): boolean {
  return renderers.has(app);
}

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
  renderers.set(app, (view, data) => {
    let html: string | undefined;
    let failed: unknown;
    // with `cache` and no `async`, EJS renders and calls back before renderFile returns
    ejs.renderFile(
      path.join(views, `${view}.ejs`),
      { ...app.locals, ...data },
      options,
      (err: Error | null, out?: string) => {
        failed = err;
        html = out;
      },
    );
    if (failed) throw failed;
    if (html === undefined) throw new Error(`the view ${view} did not render synchronously`);
    return html;
  });
  app.locals.h = viewHelpers;
  app.locals.serviceName = 'Packway';
}
