import type { Request, Response } from 'express';
import type { ErrorDetail } from '../shared/errors';

export interface PageLocals {
  title: string;
  [key: string]: unknown;
}

/** Renders a view into the one layout. */
export function renderPage(
  req: Request,
  res: Response,
  view: string,
  locals: PageLocals,
  status = 200,
): void {
  const app = req.app;
  const all = { ...res.locals, ...locals };
  app.render(view, all, (err: Error | null, body?: string) => {
    if (err) return req.next?.(err);
    app.render('layout', { ...all, body }, (layoutErr: Error | null, html?: string) => {
      if (layoutErr) return req.next?.(layoutErr);
      res.status(status).type('html').send(html);
    });
  });
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
