import type { RequestHandler } from 'express';
import type { Role } from '../../users/users.schema';
import { UPLOAD_MAX_BYTES } from '../../variants/variants.service';
import { publicRoute, requireRole } from '../guards';
import { receiveFile, type UploadLimits } from '../upload';

interface UploadRoute {
  path: RegExp;
  /** Who may send a file; none: anyone (the badge check page). */
  roles: Role[];
  limits: UploadLimits;
}

const CSV = { maxBytes: 1024 * 1024, what: 'CSV file' };

/** Every URL that takes a file, who may send one, and how large. */
const UPLOAD_ROUTES: UploadRoute[] = [
  { path: /^(\/api\/v1)?\/users\/import$/, roles: ['admin'], limits: CSV },
  {
    path: /^\/cohorts\/[^/]+\/members$/,
    roles: ['trainer', 'admin'],
    limits: { ...CSV, maxBytes: 512 * 1024 },
  },
  {
    path: /^(\/api\/v1)?\/variants$/,
    roles: ['admin'],
    limits: { maxBytes: UPLOAD_MAX_BYTES, what: 'variant' },
  },
  // a badge's JSON or baked SVG, to check: a credential is a few KiB
  { path: /^\/badges\/check$/, roles: [], limits: { maxBytes: 512 * 1024, what: 'badge file' } },
].map((r) => ({ ...r, roles: r.roles as Role[] }));

const parsers = UPLOAD_ROUTES.map((r) => ({
  ...r,
  guard: r.roles.length ? requireRole(...r.roles) : publicRoute,
  parse: receiveFile(r.limits),
}));

/**
 * Multipart forms are parsed before the CSRF check, so their token travels in the form body like every other form's
 * (never in the address bar). Only signed-in people with the route's role get their upload read at all.
 */
export const uploadsBeforeCsrf: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
  const route = parsers.find((r) => r.path.test(req.path));
  if (!route) return next();
  route.guard(req, res, (err?: unknown) => (err ? next(err) : route.parse(req, res, next)));
};
