import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { NotFound } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { parseQuery } from '../web/query';
import { actorOf } from '../web/actor';
import { formAction } from '../web/form-action';
import { publicRoute, requireRole, requireUser } from '../web/guards';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { renderPage } from '../web/render';
import { messageJson, messageListJson } from './messages.presenter';
import {
  choicesSchema,
  forgotSchema,
  messageListQuery,
  messageListSchema,
  OPTIONAL_KINDS,
} from './messages.schema';

const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

const KIND_LABELS: Record<(typeof OPTIONAL_KINDS)[number], { label: string; hint: string }> = {
  assignment: {
    label: 'New modules assigned to me',
    hint: 'One message each time a trainer assigns modules',
  },
  reminder: {
    label: 'Reminders of due dates',
    hint: 'Before a module is due, and the day after if it is not done',
  },
  digest: { label: 'Weekly summary of my cohorts', hint: 'For trainers: who is behind and what is new' },
  self_assessment: {
    label: 'When to take the self-assessment again',
    hint: 'Some weeks after your first attempt',
  },
  review: {
    label: 'Decisions on my evidence',
    hint: 'When a trainer confirms an outcome or returns it with feedback',
  },
};

/**
 * Pages anyone may open, each proving itself another way: "forgot your password" (answers the same whatever the
 * address), the one-click unsubscribe (a signed link), and the calendar feed (a secret address).
 */
export function messagePublicRoutes(services: Services): Router {
  const router = Router();
  const forgotPage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    renderPage(
      req,
      res,
      'messages/forgot',
      { title: 'Reset your password', sent: false, email: '', errors: [], fieldErrors: {}, ...extra },
      status,
    );
  router.get('/password/forgot', publicRoute, (req, res) => forgotPage(req, res));
  router.post(
    '/password/forgot',
    publicRoute,
    formAction(
      async (req, res) => {
        const { email } = parseInput(forgotSchema, req.body);
        await services.messages.requestPasswordReset(email, clientIp(req));
        forgotPage(req, res, { sent: true, email });
      },
      (req, res, { values, errors, fieldErrors }, status) =>
        forgotPage(req, res, { email: String(values.email ?? ''), errors, fieldErrors }, status),
    ),
  );

  const unsubscribeTarget = (req: Request) => ({
    userId: Number(req.params.userId),
    kind: String(req.params.kind),
    signature: String(req.params.signature),
  });
  router.get('/unsubscribe/:userId/:kind/:signature', publicRoute, (req, res) => {
    const { kind } = unsubscribeTarget(req);
    const label = KIND_LABELS[kind as keyof typeof KIND_LABELS];
    if (!label) throw new NotFound('This link is not one Packway sent');
    renderPage(req, res, 'messages/unsubscribe', {
      title: 'Stop these messages',
      what: label.label,
      done: false,
    });
  });
  // RFC 8058 one-click: a mail program POSTs `List-Unsubscribe=One-Click` with no cookie and no form token; the
  // signature in the address is the proof (session.ts lets these through without a CSRF token)
  router.post('/unsubscribe/:userId/:kind/:signature', publicRoute, async (req, res) => {
    const { userId, kind, signature } = unsubscribeTarget(req);
    if (!(await services.messages.unsubscribeBySignature(userId, kind, signature)))
      throw new NotFound('This link is not one Packway sent');
    const label = KIND_LABELS[kind as keyof typeof KIND_LABELS];
    renderPage(req, res, 'messages/unsubscribe', {
      title: 'Messages stopped',
      what: label.label,
      done: true,
    });
  });

  router.get('/calendar/:file', publicRoute, async (req, res) => {
    const match = /^([\w-]{16,64})\.ics$/.exec(String(req.params.file));
    const ics = match ? await services.calendar.feed(match[1]) : undefined;
    if (!ics) throw new NotFound('This calendar address is not in use');
    res.set('Cache-Control', 'private, no-store').type('text/calendar; charset=utf-8').send(ics);
  });
  return router;
}

/** Pages of a signed-in person (their notifications and calendar) and the administrators' outbox. */
export function messageRoutes(services: Services): Router {
  const router = Router();
  const settingsPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const me = actorOf(req);
    const choices = await services.messages.choices(me.id);
    renderPage(req, res, 'messages/notifications', {
      title: 'Messages you get',
      kinds: OPTIONAL_KINDS.filter((k) => k !== 'digest' || me.role !== 'learner').map((k) => ({
        value: k,
        ...KIND_LABELS[k],
        on: choices[k],
      })),
      hasFeed: await services.messages.hasCalendarFeed(me.id),
      feedUrl: null,
      saved: req.query.saved === '1',
      ...extra,
    });
  };
  router.get('/account/notifications', requireUser, (req, res) => settingsPage(req, res));
  router.post('/account/notifications', requireUser, async (req, res) => {
    const { kinds } = parseInput(choicesSchema, req.body);
    const me = actorOf(req);
    // a learner is never shown the trainers' summary: keep whatever it was
    const kept = me.role === 'learner' && (await services.messages.choices(me.id)).digest ? ['digest'] : [];
    await services.messages.setChoices(me.id, [...kinds, ...kept]);
    res.redirect(303, '/account/notifications?saved=1');
  });
  router.post('/account/calendar', requireUser, async (req, res) => {
    const feedUrl = await services.messages.newCalendarFeed(actorOf(req).id);
    await settingsPage(req, res, { feedUrl, hasFeed: true });
  });
  router.post('/account/calendar/revoke', requireUser, async (req, res) => {
    await services.messages.revokeCalendarFeed(actorOf(req).id);
    res.redirect(303, '/account/notifications');
  });
  router.get('/calendar/modules/:file', requireRole('learner'), async (req, res) => {
    const moduleId = String(req.params.file).replace(/\.ics$/, '');
    const ics = await services.calendar.forModule(actorOf(req).id, moduleId);
    res.type('text/calendar; charset=utf-8').attachment(`${moduleId}.ics`).send(ics);
  });

  const admin = requireRole('admin');
  router.get('/admin/messages', admin, async (req, res) => {
    const q = parseQuery(messageListQuery, req);
    const list = await services.messages.list(q.status ?? null, q.page);
    renderPage(req, res, 'messages/admin-list', {
      title: 'Messages',
      list: { ...list, messages: list.messages.map((m) => ({ ...messageJson(m), text: m.text })) },
      status: q.status ?? '',
      pages: Math.max(1, Math.ceil(list.total / list.perPage)),
    });
  });
  router.post('/admin/messages/test', admin, async (req, res) => {
    await services.messages.sendTest(actorOf(req));
    await req.flash(`A test message is on its way to ${actorOf(req).email}.`);
    res.redirect(303, '/admin/messages');
  });
  router.post('/admin/messages/:id/resend', admin, async (req, res) => {
    await services.messages.resend(Number(req.params.id), actorOf(req));
    await req.flash('The message will be sent again.');
    res.redirect(303, '/admin/messages');
  });
  return router;
}

export function messageApiRoutes(services: Services): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/messages',
      operationId: 'listMessages',
      tag: 'users',
      summary:
        'The outbox, 50 a page, newest first: who was sent what, when, by which transport, and why a message failed',
      query: messageListQuery,
      ok: { 200: jsonResponse(messageListSchema, 'One page of messages') },
      answers: [422],
    },
    requireRole('admin'),
    async (req, res) => {
      const q = parseQuery(messageListQuery, req);
      res.json(messageListJson(await services.messages.list(q.status ?? null, q.page)));
    },
  );
}
