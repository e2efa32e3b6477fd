import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../users/users.schema';
import { Forbidden, Unauthorized } from '../shared/errors';

export function isApi(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

/** Who a guard admits, in words, and the error statuses it (or the check it stands for) can answer. */
export interface GuardInfo {
  /** How the route names it: `requireRole('trainer', 'admin')`. */
  name: string;
  /** Open to anyone, signed in or not. */
  public: boolean;
  statuses: number[];
}

/**
 * Every guard is registered here when it is made, so the route walker in the tests (and the OpenAPI generator, for
 * the statuses) can tell a guard from any other handler on a route.
 */
const GUARDS = new WeakMap<RequestHandler, GuardInfo>();

function guard(info: GuardInfo, handler: RequestHandler): RequestHandler {
  GUARDS.set(handler, info);
  return handler;
}

/** The guard a handler is, or undefined for any other handler. */
export function guardOf(handler: unknown): GuardInfo | undefined {
  return typeof handler === 'function' ? GUARDS.get(handler as RequestHandler) : undefined;
}

/** Open to everyone, signed in or not: says so on the route, where a forgotten guard would otherwise look the same. */
export const publicRoute: RequestHandler = guard(
  { name: 'publicRoute', public: true, statuses: [] },
  (_req, _res, next) => next(),
);

/** Signed-in users only: pages redirect to the sign-in page, the API answers 401. */
export const requireUser: RequestHandler = guard(
  { name: 'requireUser', public: false, statuses: [401] },
  (req: Request, res: Response, next: NextFunction) => {
    if (req.user) return next();
    if (isApi(req) || req.method !== 'GET') return next(new Unauthorized());
    return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  },
);

const roleCheck =
  (roles: Role[]): RequestHandler =>
  (req, res, next) => {
    if (!req.user) return requireUser(req, res, next);
    if (!roles.includes(req.user.role)) return next(new Forbidden());
    return next();
  };

const listed = (roles: Role[]) => roles.map((r) => `'${r}'`).join(', ');

/** Signed-in users with one of these roles; anyone else signed in is refused with 403. */
export function requireRole(...roles: Role[]): RequestHandler {
  return guard(
    { name: `requireRole(${listed(roles)})`, public: false, statuses: [401, 403] },
    roleCheck(roles),
  );
}

/**
 * People of the cohort named by the path's `:id`, with one of these roles (any role when none is named). The role is
 * checked here; the cohort's own lists (its trainers, its members) are checked by the service the route calls, which
 * knows them and refuses everyone else with 403, or with 404 so that cohort ids cannot be probed.
 */
export function requireCohortAccess(...roles: Role[]): RequestHandler {
  return guard(
    { name: `requireCohortAccess(${listed(roles)})`, public: false, statuses: [401, 403, 404] },
    roles.length ? roleCheck(roles) : (req, res, next) => requireUser(req, res, next),
  );
}
