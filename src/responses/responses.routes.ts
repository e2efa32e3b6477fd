import { Router } from 'express';
import type { Services } from '../compose';
import { Invalid, NotFound } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { renderModuleWithProblems } from '../pages/module-problems';
import { packForRequest } from '../web/pack-choice';
import { actorOf } from '../web/actor';
import { formAction } from '../web/form-action';
import { z } from 'zod';
import { ApiRouter, jsonResponse, strId } from '../web/api-route';
import { requireCohortAccess, requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { moduleAnswersJson, savedAnswerJson } from './responses.presenter';
import {
  answersFromPage,
  moduleAnswersJsonSchema,
  responseSchema,
  savedAnswerJsonSchema,
  sharedQuerySchema,
} from './responses.schema';

/** Pages: answers to a module's prompts, and the answers a cohort's members shared. */
export function responseRoutes(services: Services): Router {
  const router = Router();

  // Every answer that passes is saved; any that do not are listed on the module page again.
  router.post(
    '/modules/:id/responses',
    requireRole('learner'),
    formAction(
      async (req, res) => {
        const pack = await packForRequest(services.pages, req);
        const mod = pack.modules.get(String(req.params.id));
        if (!mod) throw new NotFound();
        const { answers, problems } = answersFromPage(req.body, mod.prompts);
        await services.pages.saveAnswers(actorOf(req), pack, mod.id, answers); // every prompt answered completes it
        if (problems.length) throw new Invalid(problems);
        res.redirect(303, `/modules/${encodeURIComponent(mod.id)}?saved=answers#your-answers`);
      },
      (req, res, problems, status) =>
        renderModuleWithProblems(
          services,
          req,
          res,
          problems.details,
          { answersTyped: problems.values },
          status,
        ),
    ),
  );

  router.get('/cohorts/:id/shared', requireCohortAccess(), async (req, res) => {
    const { module } = parseQuery(sharedQuerySchema, req);
    const data = await services.reports.sharedAnswers(Number(req.params.id), module, actorOf(req));
    renderPage(req, res, 'work/shared', { title: `Shared answers: ${data.cohort.name}`, ...data });
  });
  return router;
}

/** API: `/me/responses`. */
export function responseApiRoutes(services: Services): ApiRouter {
  const learner = requireRole('learner');
  return new ApiRouter()
    .route(
      {
        method: 'put',
        path: '/me/responses/:moduleId/:promptId',
        operationId: 'saveResponse',
        tag: 'me',
        summary: 'Save my answer to a case-study or activity prompt (and whether my cohort may read it)',
        params: z.object({ moduleId: strId('The module id'), promptId: strId('The prompt id') }),
        body: responseSchema,
        ok: { 200: jsonResponse(savedAnswerJsonSchema, 'The answer as saved') },
      },
      learner,
      async (req, res) => {
        const input = parseInput(responseSchema, req.body);
        const pack = await packForRequest(services.pages, req);
        const saved = await services.pages.saveAnswer(
          actorOf(req),
          pack,
          String(req.params.moduleId),
          String(req.params.promptId),
          input,
        );
        res.json(savedAnswerJson(saved));
      },
    )
    .route(
      {
        method: 'get',
        path: '/me/responses/:moduleId',
        operationId: 'listMyResponses',
        tag: 'me',
        summary: 'My answers to a module’s prompts',
        params: z.object({ moduleId: strId('The module id') }),
        ok: { 200: jsonResponse(moduleAnswersJsonSchema, 'My answers') },
      },
      learner,
      async (req, res) => {
        const answers = await services.responses.forModule(actorOf(req).id, String(req.params.moduleId));
        res.json(moduleAnswersJson(answers.values()));
      },
    );
}
