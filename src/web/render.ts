import crypto from 'node:crypto';
import type { Application, Request, Response } from 'express';
import { learnerHomeBody } from '../pages/home-page';
import type { ErrorDetail } from '../shared/errors';
import { escapeForTemplate as e } from '../shared/html';
import { hasViews, renderView } from './views';

export interface PageLocals {
  title: string;
  [key: string]: unknown;
}

/**
 * Renders a view into the one layout. A local that is an HtmlBuilder (a large part built as UTF-8 pieces, such as the
 * progress matrix) is written in by the template as a mark, and its bytes are put in the mark's place: the same page,
 * without making and encoding one large string.
 */
export function renderPage(
  req: Request,
  res: Response,
  view: string,
  locals: PageLocals,
  status = 200,
): void {
  const app = req.app;
  const all = { ...res.locals, ...locals };
  if (!hasViews(app)) {
    app.render(view, all, (err: Error | null, body?: string) => {
      if (err) return req.next?.(err);
      app.render('layout', { ...all, body }, (layoutErr: Error | null, html?: string) => {
        if (layoutErr) return req.next?.(layoutErr);
        res.status(status).type('html').send(html);
      });
    });
    return;
  }
  const built: [mark: string, part: HtmlBuilder][] = [];
  for (const key of Object.keys(locals)) {
    const value = locals[key];
    if (value instanceof HtmlBuilder) {
      const mark = `<!--${MARK}-${built.length}-->`;
      built.push([mark, value]);
      (all as Record<string, unknown>)[key] = mark;
    }
  }
  let html: string;
  try {
    html = pageHtml(app, all, renderBody(app, view, all));
  } catch (err) {
    req.next?.(err);
    return;
  }
  if (built.length) {
    const spliced = splice(html, built);
    if (spliced) {
      sendPieces(req, res, status, spliced);
      return;
    }
    // a mark the view escaped or repeated: render again with the parts as text
    for (const key of Object.keys(locals))
      if (locals[key] instanceof HtmlBuilder) (all as Record<string, unknown>)[key] = String(locals[key]);
    html = renderView(app, 'layout', { ...all, body: renderView(app, view, all) });
  }
  res.status(status).type('html').send(html);
}

/**
 * Views whose body is made in code rather than by their template (pages every learner opens often): the same HTML,
 * which outside production is checked against the template on every render.
 */
const BODIES: Record<string, (locals: never) => string> = {
  'home/learner': learnerHomeBody,
};

function renderBody(app: Application, view: string, locals: Record<string, unknown>): string {
  const made = Object.hasOwn(BODIES, view) ? BODIES[view] : undefined;
  if (!made) return renderView(app, view, locals);
  const body = made(locals as never);
  checkAgainstTemplate(app, view, locals, body);
  return body;
}

/**
 * Outside production, a page made in code is also rendered by its template and must match byte for byte: the tests
 * then fail on any change made to one and not the other.
 */
export function checkAgainstTemplate(
  app: Application,
  view: string,
  locals: Record<string, unknown>,
  made: string | HtmlBuilder,
): void {
  if (app.get('env') === 'production') return;
  const expected = renderView(app, view, locals);
  const text = String(made);
  if (text !== expected)
    throw new Error(`${view} differs from its template: ${firstDifference(text, expected)}`);
}

/** Where two renderings part, with a little of each. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 60), i + 60));
  return `at ${i}: ${around(a)} instead of ${around(b)}`;
}

/** The page in pieces, each mark replaced by its part's bytes; undefined unless every mark is there exactly once. */
function splice(html: string, built: [mark: string, part: HtmlBuilder][]): Buffer[] | undefined {
  const found: [at: number, mark: string, part: HtmlBuilder][] = [];
  for (const [mark, part] of built) {
    const at = html.indexOf(mark);
    if (at < 0 || html.indexOf(mark, at + 1) >= 0) return undefined;
    found.push([at, mark, part]);
  }
  found.sort((a, b) => a[0] - b[0]);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const [at, mark, part] of found) {
    pieces.push(Buffer.from(html.slice(from, at)), ...part.buffers());
    from = at + mark.length;
  }
  pieces.push(Buffer.from(html.slice(from)));
  return pieces;
}

/**
 * A page built as UTF-8 pieces: parts kept encoded (what is the same for everyone, encoded once) between text made
 * for this request (encoded when the next kept part comes, or at the end).
 */
export class HtmlBuilder {
  private readonly parts: Buffer[] = [];
  private pending = '';

  text(html: string): void {
    this.pending += html;
  }

  bytes(html: Buffer): void {
    if (this.pending) this.flush();
    if (html.length) this.parts.push(html);
  }

  private flush(): void {
    this.parts.push(Buffer.from(this.pending));
    this.pending = '';
  }

  buffers(): Buffer[] {
    if (this.pending) this.flush();
    return this.parts;
  }

  toString(): string {
    return Buffer.concat(this.buffers()).toString();
  }
}

/** Marks where built parts go in a rendered page (random: no value on a page can make one). */
const MARK = crypto.randomUUID();
const BODY_MARK = `<!--${MARK}-->`;

/**
 * Sends a page whose body is already rendered (`body`, as the view would have rendered it with `locals`), in the
 * layout. `locals` are the page's own; the response's locals (who is signed in, the CSRF token…) come under them.
 */
export function sendInLayout(
  req: Request,
  res: Response,
  locals: PageLocals,
  body: string | HtmlBuilder,
  status = 200,
): void {
  let pieces: Buffer[];
  try {
    const all = { ...res.locals, ...locals };
    if (typeof body === 'string') pieces = [Buffer.from(pageHtml(req.app, all, body))];
    else {
      const parts = layoutParts(req.app, all, body);
      if (parts) pieces = [Buffer.from(parts[0]), ...body.buffers(), parts[1]];
      else {
        const html = renderView(req.app, 'layout', { ...all, body: BODY_MARK });
        const at = html.indexOf(BODY_MARK);
        pieces = [
          Buffer.from(html.slice(0, at)),
          ...body.buffers(),
          Buffer.from(html.slice(at + BODY_MARK.length)),
        ];
      }
    }
  } catch (err) {
    req.next?.(err);
    return;
  }
  sendPieces(req, res, status, pieces);
}

/** Sends a page kept in pieces as they are, in one gathered write: no copy of the whole page into one buffer. */
function sendPieces(req: Request, res: Response, status: number, pieces: Buffer[]): void {
  let length = 0;
  for (const piece of pieces) length += piece.length;
  res.status(status).type('html');
  res.setHeader('Content-Length', length);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.cork();
  for (const piece of pieces) res.write(piece);
  res.end();
}

/** The whole page: the layout (made by layoutParts, or its template) around `body`. */
function pageHtml(app: Application, locals: Record<string, unknown>, body: string): string {
  const parts = layoutParts(app, locals, body);
  return parts ? parts[0] + body + parts[1].toString() : renderView(app, 'layout', { ...locals, body });
}

const LAYOUT_END = '\n</body>\n</html>\n';
const BARE_AFTER = Buffer.from(`\n  ${LAYOUT_END}`);
const PAGE_AFTER = Buffer.from(
  '\n    </main>\n  </div>\n  <footer class="govuk-footer">\n    <div class="govuk-width-container">\n      <div class="govuk-footer__meta">\n' +
    '        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">\n          <h2 class="govuk-visually-hidden">Support links</h2>\n' +
    '          <ul class="govuk-footer__inline-list">\n' +
    '            <li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/help">Help</a></li>\n' +
    '            <li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/contact">Contact</a></li>\n' +
    '            <li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/accessibility">Accessibility statement</a></li>\n' +
    '            <li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/privacy">Privacy notice</a></li>\n' +
    '            <li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/cookies">Cookies</a></li>\n' +
    '          </ul>\n          <p class="govuk-body-s">Packway: customer focused leadership for public services. Pack text is written for this service from public sources.</p>\n' +
    `        </div>\n      </div>\n    </div>\n  </footer>\n  ${LAYOUT_END}`,
);

interface LayoutLocals {
  errors?: unknown[];
  title: unknown;
  serviceName: unknown;
  csrfToken?: unknown;
  bodyClass?: unknown;
  bare?: unknown;
  user?: { name: string; role: string } | null;
  currentPath: string;
  previewing?: unknown;
  flash?: unknown;
}

/**
 * What views/layout.ejs renders before and after the body, made here (the layout wraps every page). Undefined when the
 * locals lack a name the template reads (then the template renders, and fails as it would). Outside production each
 * is checked against the template with `body`, so a change to one that is not made to the other fails the tests.
 */
function layoutParts(
  app: Application,
  locals: Record<string, unknown>,
  body: string | HtmlBuilder,
): [before: string, after: Buffer] | undefined {
  const l = { ...(app.locals as Record<string, unknown>), ...locals } as unknown as LayoutLocals;
  const has = (name: string) => name in l;
  const bare = l.bare !== undefined && l.bare;
  if (!has('title') || !has('serviceName')) return undefined;
  if (!bare && (!has('user') || !has('flash') || (l.user && !has('currentPath')))) return undefined;
  if (!bare && (l.user || (l.previewing !== undefined && l.previewing)) && !has('csrfToken'))
    return undefined;
  let out =
    '<!DOCTYPE html>\n<html lang="en-GB" class="govuk-template govuk-template--rebranded">\n<head>\n  <meta charset="utf-8">\n' +
    `  <title>${l.errors !== undefined && l.errors.length ? 'Error: ' : ''}${e(l.title)} – ${e(l.serviceName)}</title>\n` +
    '  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">\n  <meta name="theme-color" content="#1d70b8">\n  ' +
    (l.csrfToken !== undefined ? `<meta name="csrf-token" content="${e(l.csrfToken)}">` : '') +
    '\n  <link rel="icon" href="/assets/images/favicon.svg" type="image/svg+xml">\n  <link rel="stylesheet" href="/static/govuk/govuk-frontend.min.css">\n' +
    '  <link rel="stylesheet" href="/static/css/app.css">\n</head>\n' +
    `<body class="govuk-template__body ${e(l.bodyClass !== undefined ? l.bodyClass : '')}">\n  <script type="module" src="/static/js/app.js"></script>\n  `;
  let after: Buffer;
  if (bare) {
    out += '\n  \n  ';
    after = BARE_AFTER;
  } else {
    out +=
      '\n  <script type="module" src="/static/js/tables.js"></script>\n  <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>\n  ' +
      '\n  <header class="pw-header">\n  <section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">\n' +
      '    <div class="govuk-width-container">\n      <div class="govuk-service-navigation__container">\n        <span class="govuk-service-navigation__service-name">\n' +
      `          <a href="/" class="govuk-service-navigation__link">${e(l.serviceName)}</a>\n        </span>\n        `;
    const user = l.user;
    if (user) {
      const path = l.currentPath;
      out +=
        '\n        <nav aria-label="Menu" class="govuk-service-navigation__wrapper">\n' +
        '          <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">Menu</button>\n' +
        '          <ul class="govuk-service-navigation__list" id="navigation">\n            ';
      for (const [href, text] of navFor(user.role)) {
        const cur = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
        out +=
          `\n            <li class="govuk-service-navigation__item${cur ? ' govuk-service-navigation__item--active' : ''}">\n` +
          `              <a class="govuk-service-navigation__link" href="${e(href)}"${cur ? ' aria-current="page"' : ''}>${cur ? `<strong class="govuk-service-navigation__active-fallback">${e(text)}</strong>` : e(text)}</a>\n            </li>\n            `;
      }
      out += '\n          </ul>\n        </nav>\n        ';
    }
    out += '\n      </div>\n    </div>\n  </section>\n  ';
    if (user)
      out +=
        '\n  <div class="govuk-width-container">\n    <div class="pw-account">\n' +
        `      <span class="govuk-body-s">Signed in as <strong>${e(user.name)}</strong> (${e(user.role === 'admin' ? 'L&D admin' : user.role)})</span>\n` +
        '      <a class="govuk-link govuk-body-s" href="/account/data">Your data</a>\n      <a class="govuk-link govuk-body-s" href="/account/password">Change password</a>\n' +
        `      <form method="post" action="/logout" class="pw-inline-form">\n        <input type="hidden" name="_csrf" value="${e(l.csrfToken)}">\n` +
        '        <button type="submit" class="govuk-button govuk-button--secondary pw-small-button" data-module="govuk-button">Sign out</button>\n      </form>\n    </div>\n  </div>\n  ';
    out += '\n  </header>\n  <div class="govuk-width-container">\n    ';
    if (l.previewing !== undefined && l.previewing)
      out +=
        '\n    <div class="govuk-notification-banner" role="region" aria-labelledby="preview-title" data-module="govuk-notification-banner">\n' +
        '      <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="preview-title">Preview</h2></div>\n' +
        '      <div class="govuk-notification-banner__content">\n' +
        `        <p class="govuk-notification-banner__heading">You are seeing the pack as learners pinned to ${e(l.previewing)} would.</p>\n` +
        `        <form method="post" action="/variants/preview/stop"><input type="hidden" name="_csrf" value="${e(l.csrfToken)}"><button type="submit" class="govuk-button govuk-button--secondary pw-small-button" data-module="govuk-button">Stop previewing</button></form>\n` +
        '      </div>\n    </div>\n    ';
    out += '\n    <main class="govuk-main-wrapper" id="main-content">\n      ';
    if (l.flash)
      out +=
        '\n      <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="flash-title" data-module="govuk-notification-banner">\n' +
        '        <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="flash-title">Success</h2></div>\n' +
        `        <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${e(l.flash)}</p></div>\n      </div>\n      `;
    out += '\n      ';
    after = PAGE_AFTER;
  }
  if (app.get('env') !== 'production') {
    const text = String(body);
    checkAgainstTemplate(app, 'layout', { ...locals, body: text }, out + text + after.toString());
  }
  return [out, after];
}

/** The menu for each role, in the layout's order. */
const NAV: Record<string, [href: string, text: string][]> = {};
function navFor(role: string): [href: string, text: string][] {
  let nav = Object.hasOwn(NAV, role) ? NAV[role] : undefined;
  if (!nav) {
    nav = [
      ['/', 'Home'],
      ['/pack', 'Learning pack'],
    ];
    if (role === 'learner') nav.push(['/progress', 'Your progress']);
    if (role !== 'learner') nav.push(['/cohorts', 'Cohorts']);
    if (role === 'admin') nav.push(['/variants', 'Variants'], ['/users', 'Users'], ['/audit', 'Audit log']);
    nav.push(['/search', 'Search']);
    NAV[role] = nav;
  }
  return nav;
}

/** GOV.UK error summary entries: each links to its field. */
export function errorSummary(details: ErrorDetail[]): { text: string; href: string }[] {
  return details.map((d) => ({ text: d.message, href: `#${d.field.replace(/[^a-zA-Z0-9_-]/g, '-')}` }));
}

export function fieldErrors(details: ErrorDetail[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) if (!(d.field in out)) out[d.field] = d.message;
  return out;
}
