import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { NotFound } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { publicRoute, requireRole, requireUser } from '../web/guards';
import { renderPage } from '../web/render';
import {
  badgeJson,
  issuedSchema,
  queuedSchema,
  linkedInUrl,
  myBadgesSchema,
  badgeJsonSchema,
  verificationJson,
  verificationSchema,
} from './badges.presenter';
import { badgeIdSchema, checkSchema, issueSchema, revokeSchema, settingsSchema } from './badges.schema';
import type { BadgeView } from './badges.service';

/** A badge id from the path: anything but a UUID names no badge (404, never a database error). */
function badgeIdOf(req: Request): string {
  const parsed = badgeIdSchema.safeParse(String(req.params.id));
  if (!parsed.success) throw new NotFound('No badge with that address');
  return parsed.data;
}

/** JSON-LD documents anyone may read: the issuer, its keys and the status list, as verifiers fetch them. */
function sendLinkedData(res: Response, document: unknown): void {
  res.set('Cache-Control', 'public, max-age=300').type('application/ld+json').send(JSON.stringify(document));
}

const fileName = (b: BadgeView, ext: string) =>
  `${
    b.areaTitle
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'badge'
  }-${b.id.slice(0, 8)}.${ext}`;

/**
 * The pages of badges: the issuer's public documents, a badge's public page, the "check a badge" page, the learner's
 * badges and their downloads, and the administrators' page (issue now, revoke).
 */
export function badgeRoutes(services: Services): Router {
  const router = Router();
  const { badges } = services;

  router.get('/badges/issuer', publicRoute, async (_req, res) => sendLinkedData(res, await badges.profile()));
  router.get('/badges/issuer/keys/:keyId', publicRoute, async (req, res) => {
    const keyId = Number(req.params.keyId);
    const key = Number.isSafeInteger(keyId) && keyId > 0 ? await badges.publicKey(keyId) : undefined;
    if (!key) throw new NotFound('No such key');
    sendLinkedData(res, key);
  });
  router.get('/badges/status/:list', publicRoute, async (req, res) => {
    if (req.params.list !== '1') throw new NotFound('No such status list');
    // revocations must show at once: verifiers may keep it for a minute at most
    sendLinkedData(res.set('Cache-Control', 'public, max-age=60'), await badges.statusList());
  });

  const checkPage = (req: Request, res: Response, extra: Record<string, unknown> = {}) =>
    renderPage(req, res, 'badges/check', { title: 'Check a badge', result: null, pasted: '', ...extra });
  router.get('/badges/check', publicRoute, (req, res) => checkPage(req, res));
  router.post('/badges/check', publicRoute, async (req, res) => {
    const { credential } = parseInput(checkSchema, req.body ?? {});
    const text = req.file ? req.file.buffer.toString('utf8') : credential;
    const result = await badges.check(text);
    checkPage(req, res, { result, pasted: req.file ? '' : credential });
  });

  router.get('/badges/:id', publicRoute, async (req, res) => {
    const { badge, verification } = await badges.publicBadge(badgeIdOf(req));
    renderPage(req, res, 'badges/public', {
      title: `${badge.areaTitle} badge`,
      badge,
      verification,
      issuer: badges.issuer,
      credentialJson: JSON.stringify(badge.credential, null, 2),
    });
  });

  router.get('/account/badges', requireUser, async (req, res) => {
    const me = actorOf(req);
    const mine = await badges.mine(me);
    renderPage(req, res, 'badges/list', {
      title: 'Your badges',
      badges: mine.map((b) => ({
        ...b,
        url: badges.urls.badge(b.id),
        linkedIn: linkedInUrl(b, badges.issuer.name, badges.urls.badge(b.id)),
      })),
      showEmail: await badges.showsEmail(me),
      saved: req.query.saved === '1',
    });
  });
  router.post('/account/badges/settings', requireUser, async (req, res) => {
    const { showEmail } = parseInput(settingsSchema, req.body);
    await badges.setShowEmail(actorOf(req), showEmail === 'yes');
    res.redirect(303, '/account/badges?saved=1');
  });
  router.get('/account/badges/:file', requireUser, async (req, res) => {
    const match = /^([0-9a-f-]{36})\.(json|svg)$/.exec(String(req.params.file));
    if (!match) throw new NotFound('No badge with that address');
    const badge = await badges.own(actorOf(req), match[1]);
    res.set('Cache-Control', 'private, no-store');
    if (match[2] === 'json')
      res
        .type('application/ld+json')
        .attachment(fileName(badge, 'json'))
        .send(JSON.stringify(badge.credential, null, 2));
    else res.type('image/svg+xml').attachment(fileName(badge, 'svg')).send(badges.bakedSvg(badge));
  });

  const admin = requireRole('admin');
  router.get('/admin/badges', admin, (req, res) =>
    renderPage(req, res, 'badges/admin', { title: 'Badges', queued: null, errors: [] }),
  );
  router.post('/admin/badges/issue', admin, async (req, res) => {
    const queued = await badges.issueForEveryone(actorOf(req));
    renderPage(req, res, 'badges/admin', { title: 'Badges', queued, errors: [] });
  });
  router.post('/badges/:id/revoke', admin, async (req, res) => {
    const id = badgeIdOf(req);
    const { reason } = parseInput(revokeSchema, req.body);
    await badges.revoke(actorOf(req), id, reason);
    await req.flash('Badge revoked. Its public page and every check now say so.');
    res.redirect(303, `/badges/${id}`);
  });
  return router;
}

const badgeParams = z.object({ id: badgeIdSchema });

/** `/me/badges`, `/badges/issue`, `/badges/{id}/revoke`, `/badges/verify`. */
export function badgeApiRoutes(services: Services): ApiRouter {
  const { badges } = services;
  const json = (b: BadgeView) => badgeJson(b, badges.urls.badge(b.id));
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/me/badges',
        operationId: 'listMyBadges',
        tag: 'badges',
        summary: 'My badges, each with its signed Open Badges 3.0 credential',
        ok: { 200: jsonResponse(myBadgesSchema, 'Newest first') },
      },
      requireUser,
      async (req, res) => {
        const mine = await badges.mine(actorOf(req));
        res.json({ badges: mine.map(json), credential: mine.map((b) => b.credential) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/badges/issue',
        operationId: 'issueBadges',
        tag: 'badges',
        summary:
          'Issue the badges of completed areas not yet badged: one learner now, or everyone in the background',
        body: issueSchema,
        ok: {
          200: jsonResponse(
            issuedSchema,
            'With `userId`: the badges issued now (none when all were already issued)',
          ),
          202: jsonResponse(
            queuedSchema,
            'Without: how many learners were queued (each is told of each new badge)',
          ),
        },
        answers: [404, 409],
      },
      requireRole('admin'),
      async (req, res) => {
        const { userId } = parseInput(issueSchema, req.body ?? {});
        if (userId === undefined) {
          res.status(202).json({ queued: await badges.issueForEveryone(actorOf(req)) });
          return;
        }
        const issued = await badges.issueOnDemand(actorOf(req), userId);
        res.json({ issued: issued.map(json) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/badges/:id/revoke',
        operationId: 'revokeBadge',
        tag: 'badges',
        summary:
          'Revoke a badge, with the reason (audited): its status list entry is set and it no longer verifies',
        params: badgeParams,
        body: revokeSchema,
        ok: { 200: jsonResponse(badgeJsonSchema, 'The badge, revoked') },
        answers: [409],
      },
      requireRole('admin'),
      async (req, res) => {
        const id = badgeIdOf(req);
        const { reason } = parseInput(revokeSchema, req.body);
        res.json(json(await badges.revoke(actorOf(req), id, reason)));
      },
    )
    .route(
      {
        method: 'post',
        path: '/badges/verify',
        operationId: 'verifyBadge',
        tag: 'badges',
        summary: 'Check a credential: issued here, unchanged, properly signed and not revoked?',
        body: z.record(z.string(), z.unknown()).describe('The credential’s JSON'),
        ok: { 200: jsonResponse(verificationSchema, 'Whether it verifies, and why not in plain words') },
      },
      publicRoute,
      async (req, res) => {
        const document = parseInput(z.record(z.string(), z.unknown()), req.body);
        res.json(verificationJson(await badges.verifyDocument(document)));
      },
    );
}
