import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

/** Stands for "any first segment": a router with a route or middleware whose first segment is not a fixed word. */
const ANY = '*';

interface Layer {
  route?: { path?: unknown };
  /** the path a middleware was mounted at (not in Express's documented API: without it the layer counts as ANY) */
  rawPath?: unknown;
  handle?: unknown;
}

/** `/cohorts/:id` → `cohorts`, `/` → ``; a parameter, a pattern or anything not a plain path → ANY. */
function firstSegmentOfPattern(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/')) return ANY;
  const segment = path.slice(1).split('/', 1)[0];
  return /^[a-z0-9._-]*$/i.test(segment) ? segment.toLowerCase() : ANY;
}

const stackOf = (handler: unknown): unknown =>
  typeof handler === 'function' ? (handler as { stack?: unknown }).stack : undefined;

/** The first segments a router answers on, read from its routes and from the paths its middleware are mounted at. */
function segmentsOf(router: Router): Set<string> {
  const segments = new Set<string>();
  const walk = (stack: unknown) => {
    if (!Array.isArray(stack)) return void segments.add(ANY);
    for (const layer of stack as Layer[]) {
      if (layer.route) segments.add(firstSegmentOfPattern(layer.route.path));
      else if (layer.rawPath === undefined || layer.rawPath === '/') {
        // middleware on every path: a nested router's own routes say where it answers, anything else is everywhere
        walk(stackOf(layer.handle));
      } else segments.add(firstSegmentOfPattern(layer.rawPath));
    }
  };
  walk(stackOf(router));
  return segments;
}

/**
 * The routers, in order, as one middleware that hands a request only to those with a route or middleware on its
 * path's first segment (`/modules/…` meets the module, response and form routers, not the other dozen). Express would
 * try every route of every router in turn; the answer is the same, since a router never answers a path it has no
 * route for. The map is made once, when the app is built, after the routers are complete.
 */
export function bySegment(routers: Router[]): RequestHandler {
  const segmentsPer = routers.map(segmentsOf);
  const named = new Set(segmentsPer.flatMap((s) => [...s]).filter((s) => s !== ANY));
  const everywhere = routers.filter((_, i) => segmentsPer[i].has(ANY));
  const routersFor = new Map<string, Router[]>();
  for (const segment of named)
    routersFor.set(
      segment,
      routers.filter((_, i) => segmentsPer[i].has(segment) || segmentsPer[i].has(ANY)),
    );

  const routeBySegment = function routeBySegment(req: Request, res: Response, next: NextFunction) {
    const path = req.path;
    const end = path.indexOf('/', 1);
    const segment = (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
    const chosen = routersFor.get(segment) ?? everywhere;
    let i = 0;
    const step = (err?: unknown) => {
      if (err && err !== 'router') return next(err); // a router left with next('router') hands on null
      const router = chosen[i++];
      if (!router) return next();
      router(req, res, step);
    };
    step();
  };
  // seen as a router's stack by whatever walks the app's routes (the OpenAPI and route tests, segmentsOf itself)
  return Object.assign(routeBySegment, { stack: routers.map((handle): Layer => ({ handle })) });
}
