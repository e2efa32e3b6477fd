import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { formAction, type FormProblems } from '../web/form-action';
import { requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { assignmentApiRoutes, assignmentRoutes } from './assignments.routes';
import { archived, copied, detailsChanged, restored } from './cohorts.messages';
import { cohortDetailJson, cohortJson, cohortListJson, pinJson } from './cohorts.presenter';
import { cohortDetailsSchema, cohortSchema, copySchema, listQuerySchema, pinSchema } from './cohorts.schema';
import { cohortId, manageForm, managePage } from './manage-page';
import { matrixApiRoutes, matrixRoutes } from './matrix.routes';
import { membershipApiRoutes, membershipRoutes } from './membership.routes';
import { removalApiRoutes, removalRoutes } from './removals.routes';

/**
 * The cohort pages: the list, and a cohort's life (creating, the manage page, its details, archiving, copying), then
 * the routers of what changes separately: the matrix, membership, assignments and removals.
 */
export function cohortRoutes(services: Services): Router {
  const router = Router();
  router.use('/cohorts', requireRole('trainer', 'admin'));

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
  router.get('/cohorts', async (req, res) => listPage(req, res));
  router.post(
    '/cohorts',
    formAction(async (req, res) => {
      const cohort = await services.cohorts.create(parseInput(cohortSchema, req.body), actorOf(req));
      res.redirect(303, `/cohorts/${cohort.id}/manage`);
    }, listPage),
  );

  router.use(matrixRoutes(services));

  const manage = managePage(services);
  router.get('/cohorts/:id/manage', async (req, res) => manage(req, res));

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
  router.get('/cohorts/:id/edit', async (req, res) => editPage(req, res));
  router.post(
    '/cohorts/:id/edit',
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
  router.post('/cohorts/:id/archive', async (req, res) => {
    const cohort = await services.cohorts.setArchived(cohortId(req), true, actorOf(req));
    await req.flash(archived(cohort.name));
    res.redirect(303, `/cohorts/${cohort.id}/manage`);
  });
  router.post('/cohorts/:id/restore', async (req, res) => {
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
  router.get('/cohorts/:id/copy', async (req, res) => copyPage(req, res));
  router.post(
    '/cohorts/:id/copy',
    formAction(async (req, res) => {
      const r = await services.cohorts.copy(cohortId(req), parseInput(copySchema, req.body), actorOf(req));
      await req.flash(copied(r));
      res.redirect(303, `/cohorts/${r.cohort.id}/manage`);
    }, copyPage),
  );
  router.post(
    '/cohorts/:id/details',
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
export function cohortApiRoutes(services: Services): Router {
  const router = Router();
  router.use('/cohorts', requireRole('trainer', 'admin'));
  router.get('/cohorts', async (req, res) => {
    res.json(cohortListJson(await services.cohorts.list(actorOf(req))));
  });
  router.post('/cohorts', async (req, res) => {
    res
      .status(201)
      .json(cohortJson(await services.cohorts.create(parseInput(cohortSchema, req.body), actorOf(req))));
  });
  router.get('/cohorts/:id', async (req, res) => {
    res.json(cohortDetailJson(await services.cohorts.detail(cohortId(req), actorOf(req))));
  });
  router.put('/cohorts/:id/variant', async (req, res) => {
    const { variantVersionId } = parseInput(pinSchema, req.body);
    await services.cohorts.pin(cohortId(req), variantVersionId, actorOf(req));
    res.json(pinJson(cohortId(req), variantVersionId));
  });
  router.use(membershipApiRoutes(services));
  router.use(assignmentApiRoutes(services));
  router.use(removalApiRoutes(services));
  router.use(matrixApiRoutes(services));
  return router;
}
