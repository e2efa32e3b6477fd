import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import type { Pack } from '../content/types';
import { sendModulePage } from '../modules/module-page';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { formAction, type FormProblems } from '../web/form-action';
import { z } from 'zod';
import { ApiRouter, jsonResponse, strId } from '../web/api-route';
import { requireRole, requireUser } from '../web/guards';
import { packChoice } from '../web/pack-choice';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import { safeLocalPath } from '../web/safe-redirect';
import { assignmentsJson, learnerProgressJson, moduleCompletedJson, outcomeJson } from './progress.presenter';
import {
  learnerAssignmentsJsonSchema,
  learnerProgressJsonSchema,
  moduleCompletedJsonSchema,
  outcomeSavedJsonSchema,
  outcomeUpdateSchema,
} from './progress.schema';

export function progressRoutes(services: Services): Router {
  const router = Router();
  const packOf = (req: Request): Promise<Pack> => services.pages.packFor(actorOf(req), packChoice(req));

  router.get('/', requireUser, async (req, res) => {
    const me = actorOf(req);
    if (me.role === 'learner') {
      return renderPage(req, res, 'home/learner', {
        title: 'Your learning',
        ...(await services.pages.learnerHome(me, await packOf(req))),
      });
    }
    const [cohorts, users] = await Promise.all([
      services.cohorts.list(me),
      me.role === 'admin' ? services.users.count() : 0,
    ]);
    renderPage(req, res, me.role === 'admin' ? 'home/admin' : 'home/trainer', {
      title: 'Home',
      cohorts,
      users,
    });
  });

  router.get('/progress', requireRole('learner'), async (req, res) => {
    renderPage(req, res, 'progress/learner', {
      title: 'Your progress',
      ...(await services.pages.learnerProgress(actorOf(req), await packOf(req))),
      saved: typeof req.query.saved === 'string' ? req.query.saved.slice(0, 20) : '',
    });
  });

  // Marking a reading module complete, and undoing a completion; both go back to the module page.
  router.post('/modules/:id/complete', requireRole('learner'), async (req, res) => {
    await services.progress.completeModule(actorOf(req), await packOf(req), String(req.params.id));
    res.redirect(303, `/modules/${encodeURIComponent(String(req.params.id))}?saved=completed#completion`);
  });
  router.post('/modules/:id/incomplete', requireRole('learner'), async (req, res) => {
    await services.pages.undoCompletion(actorOf(req), await packOf(req), String(req.params.id));
    res.redirect(303, `/modules/${encodeURIComponent(String(req.params.id))}?saved=reopened#completion`);
  });

  // One outcome per page: where the learner is with it and the evidence, with a back link to where they came from.
  const backOf = (value: unknown) => safeLocalPath(value, '/progress').replace(/[?#].*$/, '');
  const outcomePage = async (
    req: Request,
    res: Response,
    back: string,
    problems?: FormProblems,
    status = 200,
  ) => {
    const outcomeId = String(req.params.outcomeId);
    const details = (problems?.details ?? []).map((d) => ({ ...d, field: `${outcomeId}-${d.field}` }));
    const page = await services.pages.outcomePage(actorOf(req), await packOf(req), outcomeId);
    renderPage(
      req,
      res,
      'progress/outcome',
      {
        title: `${page.outcome.id}: ${page.outcome.text}`,
        ...page,
        back,
        errors: errorSummary(details),
        fieldErrors: fieldErrors(details),
        values: problems ? { [outcomeId]: problems.values } : {},
      },
      status,
    );
  };
  router.get('/progress/outcomes/:outcomeId', requireRole('learner'), async (req, res) => {
    await outcomePage(req, res, backOf(req.query.back));
  });

  // The problems are named after the outcome (`LI1-evidence`): a learning-area page holds a form per outcome.
  const saveOutcome = async (req: Request, res: Response) => {
    const outcomeId = String(req.params.outcomeId);
    await services.progress.setOutcome(
      actorOf(req),
      await packOf(req),
      outcomeId,
      parseInput(outcomeUpdateSchema, req.body),
    );
    const back = backOf(req.body.returnTo);
    res.redirect(303, `${back}?saved=${encodeURIComponent(outcomeId)}#outcome-${outcomeId}`);
  };
  router.post(
    '/progress/outcomes/:outcomeId',
    requireRole('learner'),
    formAction(saveOutcome, (req, res, problems, status) =>
      outcomePage(req, res, backOf(req.body.returnTo), problems, status),
    ),
  );

  // An outcome form on a learning-area page: its problems are shown on that page, anything else on the outcome's page.
  const whereSaved = async (req: Request, res: Response, problems: FormProblems, status: number) => {
    const back = backOf(req.body.returnTo);
    const outcomeId = String(req.params.outcomeId);
    const pack = await packOf(req);
    const mod = /^\/modules\/([^/]+)$/.exec(back) && pack.modules.get(decodeURIComponent(back.slice(9)));
    if (!mod) return outcomePage(req, res, back, problems, status);
    const details = problems.details.map((d) => ({ ...d, field: `${outcomeId}-${d.field}` }));
    sendModulePage(
      req,
      res,
      {
        title: mod.title,
        pack,
        mod,
        ...(await services.pages.modulePage(actorOf(req), pack, mod)),
        errors: errorSummary(details),
        fieldErrors: fieldErrors(details),
        values: { [outcomeId]: problems.values },
      },
      status,
    );
  };
  router.post('/outcomes/:outcomeId', requireRole('learner'), formAction(saveOutcome, whereSaved));
  return router;
}

export function progressApiRoutes(services: Services): ApiRouter {
  const packOf = (req: Request): Promise<Pack> => services.pages.packFor(actorOf(req), packChoice(req));
  // on each route, not on all of /me: /me/export (privacy) is for everyone signed in
  const learner = requireRole('learner');
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/me/assignments',
        operationId: 'listMyAssignments',
        tag: 'me',
        summary: 'My assigned modules with due dates and status',
        ok: { 200: jsonResponse(learnerAssignmentsJsonSchema, 'My assignments') },
        answers: [404],
      },
      learner,
      async (req, res) => {
        res.json(assignmentsJson(await services.progress.assignments(actorOf(req), await packOf(req))));
      },
    )
    .route(
      {
        method: 'get',
        path: '/me/progress',
        operationId: 'getMyProgress',
        tag: 'me',
        summary: 'My status on every outcome, by learning area',
        ok: { 200: jsonResponse(learnerProgressJsonSchema, 'My progress') },
        answers: [404],
      },
      learner,
      async (req, res) => {
        res.json(
          learnerProgressJson(await services.progress.learnerProgress(actorOf(req).id, await packOf(req))),
        );
      },
    )
    .route(
      {
        method: 'post',
        path: '/me/modules/:id/complete',
        operationId: 'completeModule',
        tag: 'me',
        summary: 'Mark a module complete',
        params: z.object({ id: strId('The module id') }),
        ok: { 200: jsonResponse(moduleCompletedJsonSchema, 'The module is complete') },
      },
      learner,
      async (req, res) => {
        const done = await services.progress.completeModule(
          actorOf(req),
          await packOf(req),
          String(req.params.id),
        );
        res.json(moduleCompletedJson(done.moduleId));
      },
    )
    .route(
      {
        method: 'put',
        path: '/me/outcomes/:outcomeId',
        operationId: 'setOutcome',
        tag: 'me',
        summary: 'Set my status on an outcome, with evidence (required for achieved)',
        params: z.object({ outcomeId: strId('The outcome id, like SP1') }),
        body: outcomeUpdateSchema,
        ok: { 200: jsonResponse(outcomeSavedJsonSchema, 'The outcome as saved') },
      },
      learner,
      async (req, res) => {
        const data = parseInput(outcomeUpdateSchema, req.body);
        res.json(
          outcomeJson(
            await services.progress.setOutcome(
              actorOf(req),
              await packOf(req),
              String(req.params.outcomeId),
              data,
            ),
          ),
        );
      },
    );
}
