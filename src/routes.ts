import type { Express } from 'express';
import type { Services } from './services';

/** Routers of the later domains, mounted after the core ones (kept here so app.ts stays short). */
export function extraRoutes(_app: Express, _services: Services): void {}
