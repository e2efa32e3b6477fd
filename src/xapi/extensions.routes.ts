import { Router } from 'express';
import type { Services } from '../compose';
import { NotFound } from '../shared/errors';
import { publicRoute } from '../web/guards';

/**
 * Public: `GET /xapi/extensions/:name` and `GET /xapi/activity-types/:name`, the JSON-LD description of each IRI
 * Packway's statements use, so the IRIs resolve (xAPI 1.0.3 §Part 2 "IRI resolution").
 */
export function xapiTermRoutes(services: Services): Router {
  const router = Router();
  router.get('/xapi/:kind/:name', publicRoute, (req, res) => {
    const term = services.xapi.term(String(req.params.kind), String(req.params.name));
    if (!term) throw new NotFound('Packway defines no such xAPI term');
    res.type('application/ld+json').set('Cache-Control', 'public, max-age=86400').send(JSON.stringify(term));
  });
  return router;
}
