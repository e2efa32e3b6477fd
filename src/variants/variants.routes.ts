import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { HttpError } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { formAction, type FormProblems } from '../web/form-action';
import { z } from 'zod';
import { ApiRouter, intId, jsonResponse } from '../web/api-route';
import { requireCohortAccess, requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { errorSummary, renderPage } from '../web/render';
import {
  publishedJson,
  uploadJson,
  uploadProblemFields,
  versionLabel,
  versionListJson,
  zipFileName,
} from './variants.presenter';
import {
  pinFormSchema,
  pinQuerySchema,
  publishedJsonSchema,
  uploadFieldsSchema,
  uploadJsonSchema,
  variantVersionListJsonSchema,
} from './variants.schema';

export function variantRoutes(services: Services): Router {
  const router = Router();
  const admin = requireRole('admin');
  const v = services.variants;

  const listPage = async (req: Request, res: Response, problems?: FormProblems, status = 200) =>
    renderPage(
      req,
      res,
      'variants/list',
      {
        title: 'Variants of the pack',
        versions: await v.list(),
        sections: services.packs.base.sections,
        errors: problems ? errorSummary(uploadProblemFields(problems.details)) : [],
        values: problems?.values ?? {},
        report: undefined,
      },
      status,
    );

  router.get('/variants', admin, (req, res) => listPage(req, res));
  router.post(
    '/variants',
    admin,
    formAction(async (req, res) => {
      try {
        const report = await v.upload(
          { ...parseInput(uploadFieldsSchema, req.body), file: req.file },
          actorOf(req),
        );
        await req.flash(
          `The upload is valid and saved as a draft of ${report.name}: check the changes, preview it, then publish.`,
        );
        res.redirect(303, `/variants/versions/${report.versionId}`);
      } catch (err) {
        // the error summary's title says why the upload was refused ("The zip was refused")
        if (err instanceof HttpError) res.locals.problemTitle = err.message;
        throw err;
      }
    }, listPage),
  );
  router.get('/variants/versions/:vid', admin, async (req, res) => {
    const { row, changes, pinned } = await v.diff(Number(req.params.vid));
    const pinnedIds = new Set(pinned.map((c) => c.id));
    // a published version offers its cohorts at once: pinning is the next thing to do after publishing
    const pinnable =
      row.status === 'published'
        ? await Promise.all(
            (await services.cohorts.list(actorOf(req)))
              .filter((c) => !pinnedIds.has(c.id) && !c.archivedAt)
              .map(async (c) => ({ id: c.id, name: c.name, current: await v.labelOf(c.variantVersionId) })),
          )
        : [];
    renderPage(req, res, 'variants/version', {
      title: `${row.variantName} ${versionLabel(row)}`,
      row,
      changes,
      pinned,
      pinnable,
    });
  });
  router.get('/variants/versions/:vid/download', admin, async (req, res) => {
    const row = await v.version(Number(req.params.vid));
    const zip = await v.zipOf(row.id);
    res.type('application/zip').attachment(zipFileName(row)).send(zip);
  });
  router.post('/variants/versions/:vid/preview', admin, async (req, res) => {
    const row = await v.version(Number(req.params.vid));
    if (!req.sessionInfo)
      throw new HttpError(
        400,
        'needs_session',
        'Previewing a version works in a signed-in browser: sign in on the web page and try again',
      );
    await services.auth.setPreview(req.sessionInfo.idHash, row.id);
    res.redirect(303, '/pack');
  });
  router.post('/variants/preview/stop', admin, async (req, res) => {
    if (req.sessionInfo) await services.auth.setPreview(req.sessionInfo.idHash, null);
    res.redirect(303, '/variants');
  });
  router.get('/variants/:id/publish', admin, async (req, res) => {
    const preview = await v.publishPreview(Number(req.params.id));
    renderPage(req, res, 'variants/publish', {
      title: `Publish ${preview.name} v${preview.nextVersion}`,
      preview,
    });
  });
  router.post('/variants/:id/publish', admin, async (req, res) => {
    const { versionId, version } = await v.publish(Number(req.params.id), actorOf(req));
    await req.flash(
      `${await v.labelOf(versionId)} is published. Learners see it once you pin their cohort to it.`,
    );
    res.redirect(303, `/variants/versions/${versionId}${version ? '#pin' : ''}`);
  });

  router.get('/cohorts/:id/variant', requireCohortAccess('trainer', 'admin'), async (req, res) => {
    const { to } = parseQuery(pinQuerySchema, req);
    const { cohort, pack } = await services.cohorts.detail(Number(req.params.id), actorOf(req));
    const [toPack, current, toLabel, choices] = await Promise.all([
      to === undefined ? undefined : services.packs.forVersion(to),
      v.labelOf(cohort.variantVersionId),
      to === undefined ? '' : v.labelOf(to),
      v.choices(),
    ]);
    const changes = toPack === undefined ? [] : v.changesBetween(pack, toPack);
    renderPage(req, res, 'variants/pin', {
      title: `Version of the pack for ${cohort.name}`,
      cohort,
      choices,
      current,
      to,
      toLabel,
      changes,
    });
  });
  router.post('/cohorts/:id/variant', requireCohortAccess('trainer', 'admin'), async (req, res) => {
    const { versionId } = parseInput(pinFormSchema, req.body ?? {});
    await services.cohorts.pin(Number(req.params.id), versionId, actorOf(req));
    await req.flash(`Learners now see ${await v.labelOf(versionId)}`);
    res.redirect(303, `/cohorts/${Number(req.params.id)}/manage`);
  });
  return router;
}

export function variantApiRoutes(services: Services): ApiRouter {
  const admin = requireRole('admin');
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/variants',
        operationId: 'listVariantVersions',
        tag: 'variants',
        summary: 'Every version of every variant',
        ok: { 200: jsonResponse(variantVersionListJsonSchema, 'The versions') },
      },
      admin,
      async (_req, res) => {
        res.json(versionListJson(await services.variants.list()));
      },
    )
    .route(
      {
        method: 'post',
        path: '/variants',
        operationId: 'uploadVariant',
        tag: 'variants',
        summary: 'Upload a zip of a content folder or a single .md; valid uploads become the variant’s draft',
        otherBodies: {
          'multipart/form-data': uploadFieldsSchema.extend({
            file: z.string().meta({
              contentMediaType: 'application/zip',
              description: 'A .zip with the layout of content/ (any subset of files), or a single .md module',
            }),
          }),
        },
        ok: { 201: jsonResponse(uploadJsonSchema, 'The draft, and what it changes from the built-in pack') },
      },
      admin,
      async (req, res) => {
        const report = await services.variants.upload(
          { ...parseInput(uploadFieldsSchema, req.body), file: req.file },
          actorOf(req),
        );
        res.status(201).json(uploadJson(report));
      },
    )
    .route(
      {
        method: 'post',
        path: '/variants/:id/publish',
        operationId: 'publishVariant',
        tag: 'variants',
        summary: 'Publish the variant’s draft as its next immutable version',
        params: z.object({ id: intId('The variant') }),
        ok: { 201: jsonResponse(publishedJsonSchema, 'The version published') },
        answers: [409],
      },
      admin,
      async (req, res) => {
        res
          .status(201)
          .json(publishedJson(await services.variants.publish(Number(req.params.id), actorOf(req))));
      },
    )
    .route(
      {
        method: 'get',
        path: '/variants/versions/:vid/download',
        operationId: 'downloadVariantVersion',
        tag: 'variants',
        summary: 'A version’s files as a zip',
        params: z.object({ vid: intId('The variant version') }),
        ok: {
          200: {
            description: 'The zip',
            content: {
              'application/zip': { schema: z.string().meta({ contentMediaType: 'application/zip' }) },
            },
          },
        },
      },
      admin,
      async (req, res) => {
        res.type('application/zip').send(await services.variants.zipOf(Number(req.params.vid)));
      },
    );
}
