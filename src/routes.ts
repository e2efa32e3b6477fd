import type { Express } from 'express';
import type { Services } from './services';
import { privacyApiRoutes, privacyRoutes } from './privacy/privacy.routes';

/** Routers of the later domains, mounted after the core ones (kept here so app.ts stays short). */
export function extraRoutes(app: Express, services: Services): void {
  app.use(privacyRoutes(services));
  app.use('/api/v1', privacyApiRoutes(services));
}
