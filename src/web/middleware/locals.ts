import type { Request, RequestHandler } from 'express';
import type { VariantsService } from '../../variants/variants.service';
import { isApi } from '../guards';
import type { SessionSupport } from './session';

/**
 * Per-request values every page needs: who is signed in, the CSRF token, a preview banner, and how to leave a flash.
 * Nothing is awaited unless an admin is previewing a variant (its label is read), so most requests pass straight on.
 */
export function pageLocals(
  sessions: SessionSupport,
  variants: Pick<VariantsService, 'labelOf'>,
): RequestHandler {
  // one function for every request, reading the request it is called on (`req.flash(text)`)
  function flash(this: Request, text: string): Promise<void> {
    return sessions.flash(this, text);
  }
  return (req, res, next) => {
    // pages and API answers are personal: never stored by a browser or a proxy
    res.setHeader('Cache-Control', 'no-store');
    res.locals.user = req.user;
    req.flash = flash;
    const preview = req.sessionInfo?.previewVersionId;
    const finish = () => {
      if (!isApi(req)) {
        res.locals.csrfToken = sessions.csrfToken(req, res);
        // a page in a learning platform's frame (a session made by an LTI launch) offers a window of its own
        if (req.sessionInfo?.frameOrigin) res.locals.newWindow = sessions.newWindowLink(req);
      }
      next();
    };
    if (!preview) {
      res.locals.previewing = undefined;
      return finish();
    }
    variants
      .labelOf(preview)
      .then((label) => {
        res.locals.previewing = label;
        finish();
      })
      .catch(next);
  };
}
