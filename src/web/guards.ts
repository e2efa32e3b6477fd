import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../users/users.schema';
import { Forbidden, Unauthorized } from '../shared/errors';

export function isApi(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

/** Signed-in users only: pages redirect to the sign-in page, the API answers 401. */
export const requireUser: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (req.user) return next();
  if (isApi(req) || req.method !== 'GET') return next(new Unauthorized());
  return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
};

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return requireUser(req, res, next);
    if (!roles.includes(req.user.role)) return next(new Forbidden());
    return next();
  };
}
