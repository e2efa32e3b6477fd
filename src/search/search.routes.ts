import { Router } from 'express';
import type { Services } from '../compose';
import { escapeHtml } from '../shared/html';
import { actorOf } from '../web/actor';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { requireUser } from '../web/guards';
import { packForRequest } from '../web/pack-choice';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { personUrl, searchJson } from './search.presenter';
import { searchQuerySchema, searchResultsSchema } from './search.schema';

/** `GET /search?q=`: one box for modules and (for staff) people. */
export function searchRoutes(services: Services): Router {
  const router = Router();
  router.get('/search', requireUser, async (req, res) => {
    const { q } = parseQuery(searchQuerySchema, req);
    const me = actorOf(req);
    const results = await services.search.search(me, await packForRequest(services.pages, req), q);
    renderPage(req, res, 'search/search', {
      title: q ? `Search results for “${q}”` : 'Search',
      results,
      personUrl,
      esc: escapeHtml,
      searchesPeople: me.role !== 'learner',
    });
  });
  return router;
}

export function searchApiRoutes(services: Services): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/search',
      operationId: 'search',
      tag: 'pack',
      summary:
        'Modules of the pack you see (titles, text, outcomes) and, for trainers and admins, people ' +
        '(the learners in your cohorts; everyone for an admin)',
      query: searchQuerySchema,
      ok: { 200: jsonResponse(searchResultsSchema, 'What matches, best first') },
      answers: [422],
    },
    requireUser,
    async (req, res) => {
      const { q } = parseQuery(searchQuerySchema, req);
      const pack = await packForRequest(services.pages, req);
      res.json(searchJson(await services.search.search(actorOf(req), pack, q)));
    },
  );
}
