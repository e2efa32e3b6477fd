import type { Request } from 'express';
import type { PackChoice } from '../pages/pages.service';

/** Which pack a request asks for: `?cohort=` names a cohort's variant; an admin's session may be previewing one. */
export function packChoice(req: Request): PackChoice {
  const raw = req.query.cohort;
  const n = Number(raw);
  const cohortId = raw === undefined ? undefined : Number.isInteger(n) && n > 0 ? n : -1;
  return { cohortId, previewVersionId: req.sessionInfo?.previewVersionId ?? null };
}
