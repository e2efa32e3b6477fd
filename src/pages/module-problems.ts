import type { Request, Response } from 'express';
import type { Services } from '../compose';
import { NotFound, type ErrorDetail } from '../shared/errors';
import { actorOf } from '../web/actor';
import { packForRequest } from '../web/pack-choice';
import { sendModulePage } from '../modules/module-page';
import { errorSummary, fieldErrors } from '../web/render';

/**
 * The module page again, for a form on it (answers, an activity form) that was refused: the problems listed, each by
 * its field, with `extra` for what the person typed. Used by the features whose forms sit on the module page; rendered
 * from the same skeleton as the page's GET (src/modules/module-page.ts).
 */
export async function renderModuleWithProblems(
  services: Services,
  req: Request,
  res: Response,
  details: ErrorDetail[],
  extra: Record<string, unknown>,
  status: number,
) {
  const pack = await packForRequest(services.pages, req);
  const mod = pack.modules.get(String(req.params.id));
  if (!mod) throw new NotFound();
  const view = await services.pages.modulePage(actorOf(req), pack, mod);
  sendModulePage(
    req,
    res,
    {
      title: mod.title,
      pack,
      mod,
      ...view,
      ...extra,
      errors: errorSummary(details),
      fieldErrors: fieldErrors(details),
    },
    status,
  );
}
