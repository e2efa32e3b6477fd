import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { cohortId, cohortParams } from '../cohorts/manage-page';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { ApiRouter, intId, jsonResponse, strId } from '../web/api-route';
import { formAction, type FormProblems } from '../web/form-action';
import { requireCohortAccess, requireRole } from '../web/guards';
import { packChoice } from '../web/pack-choice';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import { outcomeReviewsJson, reviewJson, reviewQueueJson } from './reviews.presenter';
import {
  decisionSchema,
  outcomeReviewsJsonSchema,
  reviewJsonSchema,
  reviewQueueJsonSchema,
} from './reviews.schema';

/** The cohort's trainers and any admin (the cohort's own list is checked by the service each route calls). */
const cohortStaff = requireCohortAccess('trainer', 'admin');

/** A cohort's review queue: the evidence waiting, oldest first, each with a form to confirm or return it. */
export function reviewRoutes(services: Services): Router {
  const router = Router();
  const queuePage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const { cohortName, items } = await services.reviews.queue(cohortId(req), actorOf(req));
    const failed = problems ? Number(req.params.reviewId) : null;
    // a form's problems are named after its review (`r12-comment`): the page holds a form per submission
    const details = (problems?.details ?? []).map((d) => ({ ...d, field: `r${failed}-${d.field}` }));
    renderPage(
      req,
      res,
      'reviews/queue',
      {
        title: `Evidence to review: ${cohortName}`,
        cohort: { id: cohortId(req), name: cohortName },
        items,
        failed,
        values: problems?.values ?? {},
        errors: errorSummary(details),
        fieldErrors: fieldErrors(details),
        done: typeof req.query.done === 'string' ? req.query.done.slice(0, 20) : '',
      },
      status,
    );
  };
  router.get('/cohorts/:id/reviews', cohortStaff, async (req, res) => queuePage(req, res));

  router.post(
    '/cohorts/:id/reviews/:reviewId',
    cohortStaff,
    formAction(
      async (req, res) => {
        const decided = await services.reviews.decide(
          Number(req.params.reviewId),
          parseInput(decisionSchema, req.body),
          actorOf(req),
          cohortId(req),
        );
        res.redirect(303, `/cohorts/${cohortId(req)}/reviews?done=${decided.decision}`);
      },
      (req, res, problems, status) => queuePage(req, res, problems, status),
    ),
  );
  return router;
}

/** `GET /api/v1/cohorts/:id/reviews`, `POST /api/v1/reviews/:id`, `GET /api/v1/me/outcomes/:outcomeId/reviews`. */
export function reviewApiRoutes(services: Services): ApiRouter {
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/reviews',
        operationId: 'listCohortReviews',
        tag: 'reviews',
        summary: 'The cohort’s evidence waiting for review, oldest first, with each outcome’s standard',
        params: cohortParams,
        ok: { 200: jsonResponse(reviewQueueJsonSchema, 'The review queue') },
      },
      cohortStaff,
      async (req, res) => {
        const { cohortName, items } = await services.reviews.queue(cohortId(req), actorOf(req));
        res.json(reviewQueueJson({ id: cohortId(req), name: cohortName }, items));
      },
    )
    .route(
      {
        method: 'post',
        path: '/reviews/:id',
        operationId: 'decideReview',
        tag: 'reviews',
        summary: 'Confirm the evidence (comment optional) or return it with feedback (comment required)',
        description:
          'Only a trainer of one of the learner’s cohorts, or an admin, may decide; nobody decides on their own ' +
          'evidence. 409 when the evidence was already decided, or the learner has changed it since.',
        params: z.object({ id: intId('The review (one submission of evidence)') }),
        body: decisionSchema,
        ok: { 200: jsonResponse(reviewJsonSchema, 'The review as decided') },
        answers: [404, 409],
      },
      requireRole('trainer', 'admin'),
      async (req, res) => {
        const input = parseInput(decisionSchema, req.body);
        res.json(reviewJson(await services.reviews.decide(Number(req.params.id), input, actorOf(req))));
      },
    )
    .route(
      {
        method: 'get',
        path: '/me/outcomes/:outcomeId/reviews',
        operationId: 'listMyOutcomeReviews',
        tag: 'me',
        summary: 'My status on an outcome, and every submission of my evidence with its review, newest first',
        params: z.object({ outcomeId: strId('The outcome id, like SP1') }),
        ok: { 200: jsonResponse(outcomeReviewsJsonSchema, 'The outcome’s review history') },
      },
      requireRole('learner'),
      async (req, res) => {
        const outcomeId = String(req.params.outcomeId);
        const pack = await services.pages.packFor(actorOf(req), packChoice(req));
        const mine = await services.reviews.mine(actorOf(req), pack, outcomeId);
        res.json(outcomeReviewsJson(outcomeId, mine.status, mine.reviews));
      },
    );
}
