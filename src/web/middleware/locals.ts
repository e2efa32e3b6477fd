import type { RequestHandler } from 'express';
import type { VariantsService } from '../../variants/variants.service';
import { isApi } from '../guards';
import type { SessionSupport } from './session';

/** Per-request values every page needs: who is signed in, the CSRF token, a preview banner, and how to leave a flash. */
export function pageLocals(
  sessions: SessionSupport,
  variants: Pick<VariantsService, 'labelOf'>,
): RequestHandler {
  return async (req, res, next) => {
    // pages and API answers are personal: never stored by a browser or a proxy
    res.setHeader('Cache-Control', 'no-store');
    res.locals.user = req.user;
    req.flash = (text) => sessions.flash(req, text);
    const preview = req.sessionInfo?.previewVersionId;
    res.locals.previewing = preview ? await variants.labelOf(preview) : undefined;
    if (!isApi(req)) res.locals.csrfToken = sessions.csrfToken(req, res);
    next();
  };
}
