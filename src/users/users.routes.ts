import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import type { Config } from '../config';
import { HttpError, Invalid } from '../shared/errors';
import { currentUser, handle, requireRole } from '../web/guards';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import { parseInput } from '../shared/validate';
import { parseQuery } from '../web/query';
import { ROLES, roleSchema, type Role } from './users.schema';


const listQuery = z.object({
  q: z.string('Search for one name or email address').trim().max(100, 'Search text must be 100 characters or fewer').optional().default(''),
  role: z.union([roleSchema, z.literal('')], 'Role must be learner, trainer or admin').optional().default(''),
  page: z.coerce.number('Page must be a whole number from 1').int('Page must be a whole number from 1').min(1, 'Page must be a whole number from 1').max(100000, 'Page must be 100,000 or less').optional().default(1),
});

const auditQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).optional().default(1).catch(1),
  action: z.string().regex(/^[a-z_.]{1,40}$/).optional().catch(undefined),
});

const PAGE_SIZE = 50;

function actor(req: Request) {
  const me = currentUser(req);
  return { id: me.id, email: me.email, ip: req.ip };
}

function passwordLink(publicUrl: string, token: string): string {
  return `${publicUrl}/password/set?token=${token}`;
}

/** Reads a CSV from an uploaded file or a pasted text field. */
function csvFrom(req: Request): string {
  if (req.file) return req.file.buffer.toString('utf8');
  const body = req.body as Record<string, unknown>;
  if (typeof body.csv === 'string' && body.csv.trim()) return body.csv;
  throw new Invalid([{ field: 'file', message: 'Choose a CSV file or paste the rows' }]);
}

export function userRoutes(services: Services, config: Pick<Config, 'publicUrl'>): Router {
  const linkFor = (_req: Request, token: string) => passwordLink(config.publicUrl, token);
  const router = Router();
  router.use('/users', requireRole('admin'));
  router.use('/audit', requireRole('admin'));

  const listPage = (req: Request, res: Parameters<typeof renderPage>[1], extra: Record<string, unknown> = {}, status = 200) => {
    const q = listQuery.safeParse(req.query);
    const { q: search, role, page } = q.success ? q.data : { q: '', role: '' as const, page: 1 };
    const { users, total } = services.users.search(search || null, (role || null) as Role | null, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    renderPage(req, res, 'users/list', {
      title: 'Users', users, total, search, role, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), roles: ROLES,
      values: {}, errors: [], fieldErrors: {}, created: undefined, link: undefined, ...extra,
    }, status);
  };

  router.get('/users', (req, res) => listPage(req, res));

  router.post(
    '/users',
    handle(async (req, res) => {
      try {
        const user = await services.users.create({ ...req.body, password: undefined }, actor(req));
        const { token } = services.users.issuePasswordLink(user.id, actor(req));
        listPage(req, res, { created: user, link: linkFor(req, token) }, 201);
      } catch (err) {
        if (!(err instanceof HttpError) || err.details.length === 0) throw err;
        listPage(req, res, { values: req.body, errors: errorSummary(err.details), fieldErrors: fieldErrors(err.details) }, err.status);
      }
    }),
  );

  router.post(
    '/users/import',
    handle((req, res) => {
      try {
        const created = services.users.importCsv(csvFrom(req), actor(req));
        req.flash(`${created.length} ${created.length === 1 ? 'person' : 'people'} imported. Give each a password link from their page.`);
        res.redirect(303, '/users');
      } catch (err) {
        if (!(err instanceof HttpError) || err.details.length === 0) throw err;
        listPage(req, res, { importErrors: err.details, importMessage: err.message }, err.status);
      }
    }),
  );

  router.get(
    '/users/:id',
    handle((req, res) => {
      const user = services.users.get(Number(req.params.id));
      renderPage(req, res, 'users/show', { title: user.name, shown: user, roles: ROLES, link: undefined, errors: [] });
    }),
  );

  router.post(
    '/users/:id/role',
    handle((req, res) => {
      const id = Number(req.params.id);
      const { role } = parseInput(z.object({ role: roleSchema }), req.body);
      services.users.changeRole(id, role, actor(req));
      res.redirect(303, `/users/${id}`);
    }),
  );

  router.post(
    '/users/:id/disabled',
    handle((req, res) => {
      const id = Number(req.params.id);
      const { disabled } = parseInput(z.object({ disabled: z.enum(['true', 'false']) }), req.body);
      services.users.setDisabled(id, disabled === 'true', actor(req));
      res.redirect(303, `/users/${id}`);
    }),
  );

  router.post(
    '/users/:id/password-link',
    handle((req, res) => {
      const user = services.users.get(Number(req.params.id));
      const { token, expiresAt } = services.users.issuePasswordLink(user.id, actor(req));
      renderPage(req, res, 'users/show', { title: user.name, shown: user, roles: ROLES, link: linkFor(req, token), linkExpires: expiresAt, errors: [] });
    }),
  );

  router.get('/audit', (req, res) => {
    const { page, action = null } = parseQuery(auditQuery, req);
    const { entries, total } = services.audit.list(action, 100, (page - 1) * 100);
    renderPage(req, res, 'users/audit', { title: 'Audit log', entries, total, page, pages: Math.max(1, Math.ceil(total / 100)), action });
  });
  return router;
}

export function userApiRoutes(services: Services, config: Pick<Config, 'publicUrl'>): Router {
  const linkFor = (_req: Request, token: string) => passwordLink(config.publicUrl, token);
  const router = Router();
  router.use('/users', requireRole('admin'));
  router.get('/users', (req, res) => {
    const q = parseQuery(listQuery, req);
    const { users, total } = services.users.search(q.q || null, (q.role || null) as Role | null, PAGE_SIZE, (q.page - 1) * PAGE_SIZE);
    res.json({ users: users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabled === 1 })), total });
  });
  router.post(
    '/users',
    handle(async (req, res) => {
      const user = await services.users.create(req.body, actor(req));
      const body: Record<string, unknown> = { ...user };
      if (!user.hasPassword) {
        const link = services.users.issuePasswordLink(user.id, actor(req));
        body.passwordLink = linkFor(req, link.token);
        body.passwordLinkExpiresAt = link.expiresAt;
      }
      res.status(201).json(body);
    }),
  );
  router.post(
    '/users/import',
    (req, res, next) => {
      if ((req.headers['content-type'] ?? '').startsWith('text/csv')) {
        return textCsv(req, res, next);
      }
      next();
    },
    handle((req, res) => {
      const created = services.users.importCsv(csvFrom(req), actor(req));
      res.status(201).json({ created: created.length, users: created });
    }),
  );
  return router;
}

const textCsv = (req: Request, _res: unknown, next: (err?: unknown) => void) => {
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
};

