import crypto from 'node:crypto';
import type { Application, Request, Response } from 'express';
import type { ErrorDetail } from '../shared/errors';
import { appViewLocals, templateFor } from './views';

export interface PageLocals {
  title: string;
  [key: string]: unknown;
}

/**
 * Every page is rendered the same way: its view, then views/layout.ejs around it (`body`). The locals are the app's
 * (`h`, `serviceName`), then the response's (who is signed in, the CSRF token, the flash message, the current path:
 * set by middleware), then the page's own, each over the one before.
 *
 * A local that is an HtmlBuilder (a large part built as UTF-8 pieces, such as the progress matrix) is written in by the
 * template as a mark, and its bytes are put in the mark's place: the same page, without making and encoding one large
 * string.
 */
export function renderPage(
  req: Request,
  res: Response,
  view: string,
  locals: PageLocals,
  status = 200,
): void {
  const app = req.app;
  const all = localsOf(req, res, locals);
  const built: [mark: string, part: HtmlBuilder][] = [];
  for (const key of Object.keys(locals)) {
    const value = locals[key];
    if (value instanceof HtmlBuilder) {
      const mark = `<!--${MARK}-${built.length}-->`;
      built.push([mark, value]);
      all[key] = mark;
    }
  }
  let html: string;
  try {
    html = inLayout(app, all, templateFor(app, view)(all));
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
    // a mark the view escaped or repeated: render again with the parts as text (and the page's own `body`, if any)
    all.body = locals.body;
    for (const key of Object.keys(locals))
      if (locals[key] instanceof HtmlBuilder) all[key] = String(locals[key]);
    html = inLayout(app, all, templateFor(app, view)(all));
  }
  res.status(status).type('html').send(html);
}

/** One page's locals object: the app's, then the response's, then the page's own, each over the one before. */
export function localsOf(req: Request, res: Response, locals: PageLocals): Record<string, unknown> {
  return { ...appViewLocals(req.app), ...res.locals, ...locals };
}

/** The layout around a rendered body (`all` is the page's locals object, made for this render: `body` is set on it). */
function inLayout(app: Application, all: Record<string, unknown>, body: string): string {
  all.body = body;
  return templateFor(app, 'layout')(all);
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
 * Sends a page whose body is already made as UTF-8 pieces (the module page), in the layout. `all` is the page's locals
 * object from `localsOf`, made for this request (the layout sets `body` on it).
 */
export function sendInLayout(
  req: Request,
  res: Response,
  all: Record<string, unknown>,
  body: HtmlBuilder,
  status = 200,
): void {
  let pieces: Buffer[];
  try {
    const html = inLayout(req.app, all, BODY_MARK);
    const at = html.indexOf(BODY_MARK);
    pieces = [
      Buffer.from(html.slice(0, at)),
      ...body.buffers(),
      encodedEnd(html.slice(at + BODY_MARK.length)),
    ];
  } catch (err) {
    req.next?.(err);
    return;
  }
  sendPieces(req, res, status, pieces);
}

/** The last end of the layout encoded: it is the same for every page but a bare one (the footer), so kept. */
let lastEnd = { text: '', bytes: Buffer.alloc(0) };
function encodedEnd(text: string): Buffer {
  if (text !== lastEnd.text) lastEnd = { text, bytes: Buffer.from(text) };
  return lastEnd.bytes;
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

/** GOV.UK error summary entries: each links to its field. */
export function errorSummary(details: ErrorDetail[]): { text: string; href: string }[] {
  return details.map((d) => ({ text: d.message, href: `#${d.field.replace(/[^a-zA-Z0-9_-]/g, '-')}` }));
}

export function fieldErrors(details: ErrorDetail[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) if (!(d.field in out)) out[d.field] = d.message;
  return out;
}
