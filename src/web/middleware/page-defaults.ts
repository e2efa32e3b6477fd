import type { RequestHandler } from 'express';

/** What the layout reads is always defined, so an error page renders even when a request failed before sign-in was read. */
export const pageDefaults: RequestHandler = (req, res, next) => {
  res.locals.user = undefined;
  res.locals.csrfToken = '';
  res.locals.previewing = undefined;
  res.locals.flash = undefined;
  res.locals.currentPath = req.path;
  next();
};
