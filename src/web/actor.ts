import type { Request } from 'express';
import type { Actor } from '../shared/actor';
import { Unauthorized } from '../shared/errors';

/** The signed-in person making this request, as services see them (with the address for the audit log). */
export function actorOf(req: Request): Actor {
  if (!req.user) throw new Unauthorized();
  return { ...req.user, ip: req.ip };
}
