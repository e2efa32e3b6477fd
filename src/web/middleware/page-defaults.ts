import type { RequestHandler } from 'express';

/**
 * What the layout reads is always defined, so an error page renders even when a request failed before sign-in was read.
 * A plain object of one shape replaces Express's prototype-less one, which V8 keeps as a slow dictionary: every page
 * copies these locals into its own.
 */
export const pageDefaults: RequestHandler = (req, res, next) => {
  res.locals = {
    user: undefined,
    csrfToken: '',
    previewing: undefined,
    flash: undefined,
    newWindow: undefined,
    currentPath: req.path,
  };
  next();
};
