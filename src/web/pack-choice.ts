import type { Request } from 'express';
import type { Pack } from '../content/types';
import type { PackChoice, PagesService } from '../pages/pages.service';
import { actorOf } from './actor';

/** Which pack a request asks for: `?cohort=` names a cohort's variant; an admin's session may be previewing one. */
export function packChoice(req: Request): PackChoice {
  const raw = req.query.cohort;
  const n = Number(raw);
  const cohortId = raw === undefined ? undefined : Number.isInteger(n) && n > 0 ? n : -1;
  return { cohortId, previewVersionId: req.sessionInfo?.previewVersionId ?? null };
}

/** The pack this request sees: an admin's draft preview, a `?cohort=` variant, or the person's own. */
export async function packForRequest(pages: Pick<PagesService, 'packFor'>, req: Request): Promise<Pack> {
  return await pages.packFor(actorOf(req), packChoice(req));
}

/** The pack this request sees and its version id (null: the built-in pack), chosen as packForRequest chooses. */
export async function packVersionForRequest(
  pages: Pick<PagesService, 'seenVersion'>,
  req: Request,
): Promise<{ pack: Pack; versionId: number | null }> {
  return await pages.seenVersion(actorOf(req), packChoice(req));
}
