import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import type { Config } from '../config';
import { HttpError, Invalid } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { formAction } from '../web/form-action';
import { z } from 'zod';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { requireRole } from '../web/guards';
import { renderPage } from '../web/render';
import { parseQuery } from '../web/query';
import { toCsv } from '../shared/csv';
import { londonDay } from '../shared/dates';
import {
  createdUserJson,
  importedUsersJson,
  passwordLinksCsv,
  passwordLinksJson,
  userJson,
  userListJson,
} from './users.presenter';
import {
  ROLES,
  changeRoleSchema,
  createdUserSchema,
  createUserFormSchema,
  createUserSchema,
  importedUsersSchema,
  passwordLinksSchema,
  setDisabledSchema,
  userListQuery,
  userListSchema,
} from './users.schema';

const PAGE_SIZE = 50;

/** Reads a CSV from an uploaded file or a pasted text field. */
function csvFrom(req: Request): string {
  if (req.file) return req.file.buffer.toString('utf8');
  const body = req.body as Record<string, unknown>;
  if (typeof body.csv === 'string' && body.csv.trim()) return body.csv;
  throw new Invalid([{ field: 'file', message: 'Choose a CSV file or paste the rows' }]);
}

export function userRoutes(
  services: Services,
  config: Pick<Config, 'publicUrl' | 'sso' | 'localPasswords'>,
): Router {
  const passwordLink = (token: string) => `${config.publicUrl}/password/set?token=${token}`;
  const router = Router();
  const admin = requireRole('admin');

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const q = userListQuery.safeParse(req.query);
    const { q: search, role, page } = q.success ? q.data : { q: '', role: '' as const, page: 1 };
    const [{ users, total }, pending] = await Promise.all([
      services.users.search(search || null, role || null, PAGE_SIZE, (page - 1) * PAGE_SIZE),
      services.users.withoutPassword(),
    ]);
    renderPage(
      req,
      res,
      'users/list',
      {
        title: 'Users',
        users: users.map(userJson),
        total,
        search,
        role,
        page,
        pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        roles: ROLES,
        values: {},
        errors: [],
        fieldErrors: {},
        created: undefined,
        link: undefined,
        pending: pending.length,
        sso: Boolean(config.sso),
        ...extra,
      },
      status,
    );
  };

  const showPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const user = await services.users.get(Number(req.params.id));
    renderPage(req, res, 'users/show', {
      title: user.name,
      shown: userJson(user),
      roles: ROLES,
      link: undefined,
      errors: [],
      ...extra,
    });
  };

  router.get('/users', admin, (req, res) => listPage(req, res));

  router.get('/users/single-sign-on', admin, async (req, res) => {
    const sso = config.sso;
    renderPage(req, res, 'users/single-sign-on', {
      title: 'Single sign-on',
      settings: sso && {
        issuer: sso.issuer.href,
        clientId: sso.clientId,
        redirectUri: sso.redirectUri,
        allowedTenants: sso.allowedTenants,
        roleClaim: sso.roleClaim,
        roleMap: Object.entries(sso.roleMap),
        defaultRole: sso.defaultRole,
        localPasswords: config.localPasswords,
      },
      people: await services.sso.people(),
    });
  });

  router.post(
    '/users',
    admin,
    formAction(
      async (req, res) => {
        const input = parseInput(createUserFormSchema, req.body);
        const user = await services.users.create(input, actorOf(req));
        // an invited person gets their link by email; a link issued here would cancel it
        const link = input.invite
          ? undefined
          : passwordLink((await services.users.issuePasswordLink(user.id, actorOf(req))).token);
        await listPage(req, res, { created: userJson(user), link }, 201);
      },
      (req, res, { values, errors, fieldErrors }, status) =>
        listPage(req, res, { values, errors, fieldErrors }, status),
    ),
  );

  // Not formAction: the page shows the error's own headline above the rows, which FormProblems does not carry.
  router.post('/users/import', admin, async (req, res) => {
    try {
      const invite = (req.body as Record<string, unknown> | undefined)?.invite === 'yes';
      const created = await services.users.importCsv(csvFrom(req), actorOf(req), invite);
      const people = `${created.length} ${created.length === 1 ? 'person' : 'people'}`;
      await req.flash(
        invite
          ? `${people} imported. Each is being emailed an invitation to set their password.`
          : `${people} imported. Download their password links below and send each person their own.`,
      );
      res.redirect(303, '/users');
    } catch (err) {
      if (!(err instanceof HttpError) || err.details.length === 0) throw err;
      await listPage(req, res, { importErrors: err.details, importMessage: err.message }, err.status);
    }
  });

  // Everyone who cannot sign in yet gets a fresh link, as a CSV for a mail merge; the file is named by the London day.
  router.post('/users/password-links', admin, async (req, res) => {
    const issued = await services.users.issuePendingLinks(actorOf(req));
    if (issued.length === 0) {
      await req.flash('Everyone has set a password: there are no links to issue.');
      return res.redirect(303, '/users');
    }
    const day = londonDay(Date.parse(issued[0].issuedAt));
    res
      .type('text/csv; charset=utf-8')
      .attachment(`packway-password-links-${day}.csv`)
      .send(toCsv(passwordLinksCsv(issued, passwordLink), { bom: true }));
  });

  router.get('/users/:id', admin, (req, res) => showPage(req, res));

  router.get('/users/:id/disable', admin, async (req, res) => {
    const user = await services.users.get(Number(req.params.id));
    if (user.disabled) return res.redirect(303, `/users/${user.id}`);
    renderPage(req, res, 'users/disable', { title: `Disable ${user.name}’s account`, shown: userJson(user) });
  });

  router.post('/users/:id/role', admin, async (req, res) => {
    const id = Number(req.params.id);
    await services.users.changeRole(id, parseInput(changeRoleSchema, req.body).role, actorOf(req));
    res.redirect(303, `/users/${id}`);
  });

  router.post('/users/:id/disabled', admin, async (req, res) => {
    const id = Number(req.params.id);
    const { disabled } = parseInput(setDisabledSchema, req.body);
    await services.users.setDisabled(id, disabled, actorOf(req));
    const { name } = await services.users.get(id);
    await req.flash(
      disabled
        ? `${name}’s account is disabled: they are signed out everywhere and cannot sign in.`
        : `${name} can sign in again.`,
    );
    res.redirect(303, `/users/${id}`);
  });

  router.post('/users/:id/password-link', admin, async (req, res) => {
    const { token, expiresAt } = await services.users.issuePasswordLink(Number(req.params.id), actorOf(req));
    await showPage(req, res, { link: passwordLink(token), linkExpires: expiresAt });
  });

  return router;
}

export function userApiRoutes(services: Services, config: Pick<Config, 'publicUrl'>): ApiRouter {
  const passwordLink = (token: string) => `${config.publicUrl}/password/set?token=${token}`;
  const admin = requireRole('admin');
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/users',
        operationId: 'listUsers',
        tag: 'users',
        summary: 'Accounts, 50 a page, searched by name or email and filtered by role',
        query: userListQuery,
        ok: { 200: jsonResponse(userListSchema, 'One page of accounts') },
        answers: [422],
      },
      admin,
      async (req, res) => {
        const q = parseQuery(userListQuery, req);
        const { users, total } = await services.users.search(
          q.q || null,
          q.role || null,
          PAGE_SIZE,
          (q.page - 1) * PAGE_SIZE,
        );
        res.json(userListJson(users, total));
      },
    )
    .route(
      {
        method: 'post',
        path: '/users',
        operationId: 'createUser',
        tag: 'users',
        summary:
          'Create an account (without a password: the answer carries a one-time password link, ' +
          'or with `invite` the person is emailed one)',
        body: createUserSchema,
        ok: { 201: jsonResponse(createdUserSchema, 'The account created') },
        answers: [409],
      },
      admin,
      async (req, res) => {
        const input = parseInput(createUserSchema, req.body);
        const user = await services.users.create(input, actorOf(req));
        // an invited person has their link by email; issuing another here would cancel it
        const link =
          user.passwordHash === null && !input.invite
            ? await services.users.issuePasswordLink(user.id, actorOf(req))
            : undefined;
        res
          .status(201)
          .json(createdUserJson(user, link && { url: passwordLink(link.token), expiresAt: link.expiresAt }));
      },
    )
    .route(
      {
        method: 'post',
        path: '/users/import',
        operationId: 'importUsers',
        tag: 'users',
        summary:
          'Create accounts from a CSV `email,name,role`: all or nothing (`?invite=true` emails each an invitation)',
        query: z.object({
          invite: z.enum(['true', 'false']).optional().describe('Email each person an invitation'),
        }),
        otherBodies: {
          'text/csv': z.string().describe('The CSV, with a header row `email,name,role`'),
          'multipart/form-data': z.object({
            file: z.string().meta({ contentMediaType: 'text/csv', description: 'The CSV file' }),
          }),
        },
        ok: { 201: jsonResponse(importedUsersSchema, 'The accounts created') },
        answers: [409],
      },
      admin,
      textCsv,
      async (req, res) => {
        const created = await services.users.importCsv(
          csvFrom(req),
          actorOf(req),
          req.query.invite === 'true',
        );
        res.status(201).json(importedUsersJson(created));
      },
    )
    .route(
      {
        method: 'post',
        path: '/users/password-links',
        operationId: 'issuePendingPasswordLinks',
        tag: 'users',
        summary:
          'A fresh one-time password link for everyone who has not set a password (not disabled); ' +
          'earlier links stop working',
        ok: { 201: jsonResponse(passwordLinksSchema, 'The links, one per account') },
      },
      admin,
      async (req, res) => {
        res
          .status(201)
          .json(passwordLinksJson(await services.users.issuePendingLinks(actorOf(req)), passwordLink));
      },
    );
}

/** A `text/csv` body, read up to 1 MiB, becomes `{ csv }`; any other body goes on untouched. */
function textCsv(req: Request, _res: Response, next: (err?: unknown) => void): void {
  if (!(req.headers['content-type'] ?? '').startsWith('text/csv')) return next();
  let size = 0;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > 1024 * 1024) {
      req.destroy();
      return next(new HttpError(413, 'too_large', 'The file is too large'));
    }
    chunks.push(c);
  });
  req.on('end', () => {
    (req as Request & { body: unknown }).body = { csv: Buffer.concat(chunks).toString('utf8') };
    next();
  });
  req.on('error', next);
}
