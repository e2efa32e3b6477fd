import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** What Express 5 treats as an async handler's promise. */
const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * Middleware run one after another as a single step, as `app.use` would run them, without the router's per-step
 * work (URL parsing, path matching, parameter bookkeeping): none of these is mounted at a path, and none holds a route
 * (routers stay mounted with `app.use`, where the route walkers and Express see them). Plain composition: it reads
 * nothing of Express's internals. An error, thrown or
 * from a rejected promise, skips the rest and goes to the app's error handler, as in Express 5; `next('route')` moves
 * on, as it does for middleware outside a route.
 */
export function inOrder(handlers: RequestHandler[]): RequestHandler {
  const runInOrder = function runInOrder(req: Request, res: Response, next: NextFunction) {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err && err !== 'route') return next(err === 'router' ? undefined : err);
      const handler = handlers[i++];
      if (!handler) return next();
      try {
        const result: unknown = handler(req, res, step);
        if (isThenable(result))
          result.then(undefined, (thrown: unknown) => step(thrown ?? new Error('rejected')));
      } catch (thrown) {
        step(thrown);
      }
    };
    step();
  };
  return runInOrder;
}
