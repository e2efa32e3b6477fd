import type { Express } from 'express';

export interface RegisteredRoute {
  method: string;
  /** The route's own path, as its feature's routes file writes it (an API route's path under /api/v1). */
  path: string;
  /** The path with the prefixes its routers are mounted at: what a client requests. */
  fullPath: string;
  /** The route's handlers, in order (its guard first). */
  handlers: unknown[];
}

/**
 * Express's own records of the app (not its documented API, so read only here, in the tests): a layer is a route or
 * middleware (a router among them), and `rawPath` is the path a middleware was mounted at.
 */
interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle?: { stack?: Layer[] };
}

/** Every route registered on the app, through its routers, in the order a request meets them. */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route)
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all')
            out.push({
              method,
              path: layer.route.path,
              fullPath: `${prefix}${layer.route.path}`,
              handlers: layer.route.stack.map((l) => l.handle),
            });
      if (!layer.route && layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, `${prefix}${mount}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}
