import { Router } from 'express';
import type { Services } from '../compose';
import { requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { eventsQuerySchema } from './xapi.schema';

/** API: `GET /events`, learning events as xAPI statements (admins). */
export function xapiApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/events', requireRole('admin'), async (req, res) => {
    res.json(await services.xapi.statements(parseQuery(eventsQuerySchema, req)));
  });
  return router;
}
