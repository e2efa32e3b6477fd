import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Application, Express } from 'express';
import type { Config } from '../config';
import { escapeForTemplate } from '../shared/html';
import { viewHelpers } from './view-helpers';

/**
 * EJS views, each compiled once. A template names the locals it reads in its first line
 * (`<% const { title, user } = locals; -%>`) and is compiled without EJS's `with (locals)` scope (`_with: false`): a
 * name it reads without declaring fails with a ReferenceError in the tests instead of printing nothing, and rendering
 * skips `with`, which was most of EJS's time on a page.
 *
 * - The locals object a view is given is used as it is (`unsafePrototypeLocals`), not copied into a prototype-less
 *   object on every render (a slow copy, paid once per view and partial). Every locals object is built here, by
 *   spreading the app's and the page's plain objects; none comes from a request body.
 * - In production without EJS's per-statement line tracking (a third of render time).
 * - Includes name their file from the views folder (`include('/partials/input')`): EJS resolves such a path without
 *   asking the disk, where a relative include costs an `existsSync` on every render.
 */
export type Template = ((locals: object) => string) & {
  /** whether the view includes others (an include sees only the locals object's own properties) */
  includes?: boolean;
};

interface Views {
  dir: string;
  options: ejs.Options;
  /** this app's views by name, so a render does not build the file name */
  byName: Map<string, Template>;
  /** what every view of this app reads besides a page's own locals */
  locals: AppViewLocals;
}

export interface AppViewLocals {
  h: typeof viewHelpers;
  serviceName: string;
}

const appViews = new WeakMap<Application, Views>();
/** Compiled views by file and options (shared by the apps of one process, as EJS's own cache is by its includes). */
const compiled = new Map<string, Template>();

/** The options every view is compiled with (exported for the test that a view reading an undeclared name fails). */
export function viewOptions(dir: string, config: Pick<Config, 'NODE_ENV'>): ejs.Options {
  // an option EJS reads that its type declarations do not list
  const options: ejs.Options & { unsafePrototypeLocals: boolean } = {
    _with: false,
    unsafePrototypeLocals: true,
    cache: true,
    compileDebug: config.NODE_ENV !== 'production',
    root: dir,
    escape: escapeForTemplate,
  };
  return options;
}

/** The compiled view, to be called with every local it reads, the app's included (`h`, `serviceName`: see render.ts). */
export function templateFor(app: Application, view: string): Template {
  const views = appViews.get(app);
  if (!views) throw new Error('useViews has not been called on this app');
  const known = views.byName.get(view);
  if (known) return known;
  const filename = path.join(views.dir, `${view}.ejs`);
  const key = `${views.options.compileDebug ? 'debug' : 'fast'}:${filename}`;
  let template = compiled.get(key);
  if (!template) {
    const source = fs.readFileSync(filename, 'utf8');
    template = ejs.compile(source, { ...views.options, filename }) as Template;
    template.includes = source.includes('include(');
    compiled.set(key, template);
  }
  views.byName.set(view, template);
  return template;
}

export function useViews(app: Express, root: string, config: Config): void {
  const dir = path.join(root, 'views');
  const locals: AppViewLocals = { h: viewHelpers, serviceName: 'Packway' };
  appViews.set(app, { dir, options: viewOptions(dir, config), byName: new Map(), locals });
  Object.assign(app.locals, locals);
}

/**
 * What every view of the app reads besides a page's own locals (`h`, `serviceName`), as a plain object: `app.locals`
 * holds the same, but in a prototype-less object V8 keeps as a slow dictionary, and Express's settings besides.
 */
export function appViewLocals(app: Application): AppViewLocals {
  const views = appViews.get(app);
  if (!views) throw new Error('useViews has not been called on this app');
  return views.locals;
}
