import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { formAction, type FormProblems } from '../web/form-action';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { requireCohortAccess, requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { assignmentApiRoutes, assignmentRoutes } from './assignments.routes';
import { archived, copied, detailsChanged, restored } from './cohorts.messages';
import { cohortDetailJson, cohortJson, cohortListJson, pinJson } from './cohorts.presenter';
import {
  cohortDetailJsonSchema,
  cohortDetailsSchema,
  cohortJsonSchema,
  cohortListJsonSchema,
  cohortSchema,
  copySchema,
  listQuerySchema,
  pinJsonSchema,
  pinSchema,
} from './cohorts.schema';
import { cohortId, cohortParams, manageForm, managePage } from './manage-page';
import { matrixApiRoutes, matrixRoutes } from './matrix.routes';
import { membershipApiRoutes, membershipRoutes } from './membership.routes';
import { removalApiRoutes, removalRoutes } from './removals.routes';

/** The cohort's trainers and any admin (the cohort's own list is checked by the service each route calls). */
const cohortStaff = requireCohortAccess('trainer', 'admin');

/**
 * The cohort pages: the list, and a cohort's life (creating, the manage page, its details, archiving, copying), then
 * the routers of what changes separately: the matrix, membership, assignments and removals.
 */
export function cohortRoutes(services: Services): Router {
  const router = Router();
  const staff = requireRole('trainer', 'admin');

  const listPage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const { view } = parseQuery(listQuerySchema, req);
    const [cohorts, versions] = await Promise.all([
      services.cohorts.list(actorOf(req), view === 'archived'),
      services.variants.choices(),
    ]);
    renderPage(
      req,
      res,
      'cohorts/list',
      {
        title: 'Cohorts',
        view,
        cohorts,
        versions,
        values: problems?.values ?? {},
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/cohorts', staff, async (req, res) => listPage(req, res));
  router.post(
    '/cohorts',
    staff,
    formAction(async (req, res) => {
      const cohort = await services.cohorts.create(parseInput(cohortSchema, req.body), actorOf(req));
      res.redirect(303, `/cohorts/${cohort.id}/manage`);
    }, listPage),
  );

  router.use(matrixRoutes(services));

  const manage = managePage(services);
  router.get('/cohorts/:id/manage', cohortStaff, async (req, res) => manage(req, res));

  // --- editing, archiving and copying a cohort ---
  const editPage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const cohort = await services.cohorts.manageable(cohortId(req), actorOf(req));
    renderPage(
      req,
      res,
      'cohorts/edit',
      {
        title: `Change the details of ${cohort.name}`,
        cohort,
        values: problems?.values ?? { name: cohort.name, description: cohort.description },
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/cohorts/:id/edit', cohortStaff, async (req, res) => editPage(req, res));
  router.post(
    '/cohorts/:id/edit',
    cohortStaff,
    formAction(async (req, res) => {
      const change = await services.cohorts.update(
        cohortId(req),
        parseInput(cohortDetailsSchema, req.body),
        actorOf(req),
      );
      await req.flash(detailsChanged(change));
      res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
    }, editPage),
  );
  router.post('/cohorts/:id/archive', cohortStaff, async (req, res) => {
    const cohort = await services.cohorts.setArchived(cohortId(req), true, actorOf(req));
    await req.flash(archived(cohort.name));
    res.redirect(303, `/cohorts/${cohort.id}/manage`);
  });
  router.post('/cohorts/:id/restore', cohortStaff, async (req, res) => {
    const cohort = await services.cohorts.setArchived(cohortId(req), false, actorOf(req));
    await req.flash(restored(cohort.name));
    res.redirect(303, `/cohorts/${cohort.id}/manage`);
  });
  const copyPage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    renderPage(
      req,
      res,
      'cohorts/copy',
      {
        title: `Copy ${data.cohort.name}`,
        ...data,
        values: problems?.values ?? {
          name: `Copy of ${data.cohort.name}`.slice(0, 120),
          include: ['assignments'],
        },
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/cohorts/:id/copy', cohortStaff, async (req, res) => copyPage(req, res));
  router.post(
    '/cohorts/:id/copy',
    cohortStaff,
    formAction(async (req, res) => {
      const r = await services.cohorts.copy(cohortId(req), parseInput(copySchema, req.body), actorOf(req));
      await req.flash(copied(r));
      res.redirect(303, `/cohorts/${r.cohort.id}/manage`);
    }, copyPage),
  );
  router.post(
    '/cohorts/:id/details',
    cohortStaff,
    manageForm(services, async (req) =>
      detailsChanged(
        await services.cohorts.update(cohortId(req), parseInput(cohortDetailsSchema, req.body), actorOf(req)),
      ),
    ),
  );

  router.use(membershipRoutes(services));
  router.use(removalRoutes(services));
  router.use(assignmentRoutes(services));
  return router;
}

/** The cohorts API: the list, a cohort, creating one and pinning its pack, then the API of each part. */
export function cohortApiRoutes(services: Services): ApiRouter {
  const staff = requireRole('trainer', 'admin');
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/cohorts',
        operationId: 'listCohorts',
        tag: 'cohorts',
        summary: 'The cohorts you run (every cohort, for an admin)',
        ok: { 200: jsonResponse(cohortListJsonSchema, 'The cohorts') },
      },
      staff,
      async (req, res) => {
        res.json(cohortListJson(await services.cohorts.list(actorOf(req))));
      },
    )
    .route(
      {
        method: 'post',
        path: '/cohorts',
        operationId: 'createCohort',
        tag: 'cohorts',
        summary: 'Create a cohort (you become its trainer), optionally pinned to a variant version',
        body: cohortSchema,
        ok: { 201: jsonResponse(cohortJsonSchema, 'The cohort created') },
        answers: [404],
      },
      staff,
      async (req, res) => {
        res
          .status(201)
          .json(cohortJson(await services.cohorts.create(parseInput(cohortSchema, req.body), actorOf(req))));
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id',
        operationId: 'getCohort',
        tag: 'cohorts',
        summary: 'A cohort with its trainers, members and assignments',
        params: cohortParams,
        ok: { 200: jsonResponse(cohortDetailJsonSchema, 'The cohort') },
      },
      cohortStaff,
      async (req, res) => {
        res.json(cohortDetailJson(await services.cohorts.detail(cohortId(req), actorOf(req))));
      },
    )
    .route(
      {
        method: 'put',
        path: '/cohorts/:id/variant',
        operationId: 'pinCohortVariant',
        tag: 'cohorts',
        summary: 'Pin the cohort to a published variant version, or to the built-in pack with null',
        params: cohortParams,
        body: pinSchema,
        ok: { 200: jsonResponse(pinJsonSchema, 'The version the cohort now sees') },
        answers: [409],
      },
      cohortStaff,
      async (req, res) => {
        const { variantVersionId } = parseInput(pinSchema, req.body);
        await services.cohorts.pin(cohortId(req), variantVersionId, actorOf(req));
        res.json(pinJson(cohortId(req), variantVersionId));
      },
    )
    .mount(
      membershipApiRoutes(services),
      assignmentApiRoutes(services),
      removalApiRoutes(services),
      matrixApiRoutes(services),
    );
}
