import { Router } from 'express';
import type { Services } from '../compose';
import { requireRole } from '../web/guards';
import { renderPage } from '../web/render';
import { actionLabel, describeEntry } from './audit.presenter';
import { auditQuery, dayFrom } from './audit.schema';

/** `GET /audit`: the audit log in words, filtered by action, person and dates, a page at a time. */
export function auditRoutes(services: Services): Router {
  const router = Router();
  router.get('/audit', requireRole('admin'), async (req, res) => {
    const parsed = auditQuery.safeParse(req.query);
    const q = parsed.success ? parsed.data : auditQuery.parse({});
    const from = dayFrom('The start date', q['from-day'], q['from-month'], q['from-year']);
    const to = dayFrom('The end date', q['to-day'], q['to-month'], q['to-year']);
    const fieldErrors: Record<string, string> = {};
    if (from.error) fieldErrors.from = from.error;
    if (to.error) fieldErrors.to = to.error;
    if (from.day && to.day && from.day > to.day)
      fieldErrors.to = 'The end date must be the same as or after the start date';
    const filter = {
      action: q.action ?? null,
      person: q.person || null,
      from: fieldErrors.from ? null : from.day,
      to: fieldErrors.to ? null : to.day,
    };
    const listing = await services.audit.list(filter, q.page);
    // the filter's own words, kept for the page links
    const keep = new URLSearchParams();
    if (filter.action) keep.set('action', filter.action);
    if (filter.person) keep.set('person', filter.person);
    for (const k of ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year'] as const) {
      const v = q[k];
      if (v) keep.set(k, v);
    }
    const filtered = Boolean(filter.action || filter.person || filter.from || filter.to);
    renderPage(
      req,
      res,
      'users/audit',
      {
        title: 'Audit log',
        ...listing,
        rows: listing.entries.map((e) => ({ ...e, what: describeEntry(e), label: actionLabel(e.action) })),
        actionChoices: listing.actions
          .map((a) => ({ value: a, text: actionLabel(a) }))
          .sort((a, b) => a.text.localeCompare(b.text)),
        values: {
          action: filter.action ?? '',
          person: filter.person ?? '',
          from: [q['from-day'] ?? '', q['from-month'] ?? '', q['from-year'] ?? ''],
          to: [q['to-day'] ?? '', q['to-month'] ?? '', q['to-year'] ?? ''],
        },
        fieldErrors,
        errors: Object.entries(fieldErrors).map(([k, text]) => ({ text, href: `#${k}-day` })),
        filtered,
        pageLink: (page: number) => {
          const p = new URLSearchParams(keep);
          if (page > 1) p.set('page', String(page));
          const s = p.toString();
          return `/audit${s ? `?${s}` : ''}`;
        },
      },
      Object.keys(fieldErrors).length ? 400 : 200,
    );
  });
  return router;
}
