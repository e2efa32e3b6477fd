import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { HttpError } from '../shared/errors';
import { actorOf } from '../web/actor';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { requireRole } from '../web/guards';
import { renderPage } from '../web/render';
import type { ExportStatus } from './builds.service';
import { exportPaths, exportStatusJson } from './builds.presenter';
import { exportStatusSchema, versionParamsSchema, versionRefOf } from './builds.schema';

const KIND = 'trainer-pack';

/** A ready export, sent as a download (a new build has a new file name on disk, so nothing stale is cached). */
function sendFile(res: Response, status: ExportStatus & { file?: string }): void {
  res.set('Cache-Control', 'private, no-cache');
  res.download(status.file!, status.fileName, { dotfiles: 'allow' });
}

/** Pages: the trainer's pack of a version, its progress page while it is prepared, and trying again after a failure. */
export function buildRoutes(services: Services): Router {
  const router = Router();
  const staff = requireRole('trainer', 'admin');
  const exportsOf = services.exportBuilds;

  const progressPage = (req: Request, res: Response, status: ExportStatus) =>
    renderPage(req, res, 'exports/trainer-pack', {
      title:
        status.status === 'ready'
          ? 'The trainer’s pack is ready'
          : status.status === 'failed'
            ? 'The trainer’s pack could not be prepared'
            : 'Preparing the trainer’s pack',
      status,
      paths: exportPaths(status),
      statusUrl: exportPaths(status, '/api/v1').page,
      isAdmin: actorOf(req).role === 'admin',
    });

  router.get('/packs/:versionId/trainer-pack.zip', staff, async (req, res) => {
    const status = await exportsOf.download(KIND, versionRefOf(req.params), actorOf(req));
    if (status.status === 'ready') return sendFile(res, status);
    // not ready: the page that shows its progress, and then the link
    res.redirect(303, exportPaths(status).page);
  });
  router.get('/packs/:versionId/trainer-pack', staff, async (req, res) => {
    progressPage(req, res, await exportsOf.status(KIND, versionRefOf(req.params), actorOf(req)));
  });
  router.post('/packs/:versionId/trainer-pack', staff, async (req, res) => {
    const status = await exportsOf.retry(KIND, versionRefOf(req.params), actorOf(req));
    res.redirect(303, exportPaths(status).page);
  });
  return router;
}

const FAILED_MESSAGE =
  'The trainer’s pack could not be prepared: start it again with POST /packs/{versionId}/trainer-pack';

/** The API: the trainer's pack as a file (202 while it is prepared), where it stands, and trying again. */
export function buildApiRoutes(services: Services): ApiRouter {
  const staff = requireRole('trainer', 'admin');
  const exportsOf = services.exportBuilds;
  const statusResponse = (description: string) => jsonResponse(exportStatusSchema, description);
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/packs/:versionId/trainer-pack.zip',
        operationId: 'downloadTrainerPack',
        tag: 'pack',
        summary:
          'The trainer’s pack of a pack version: every deck as .pptx, every module as .docx, the facilitator guide',
        description:
          'Made off the request thread and kept per pack version. The first request starts it and answers 202 with its ' +
          'progress: ask again (or poll `GET /packs/{versionId}/trainer-pack`) until it answers 200 with the zip.',
        params: versionParamsSchema,
        ok: {
          200: {
            description: 'The zip',
            content: {
              'application/zip': { schema: z.string().meta({ contentMediaType: 'application/zip' }) },
            },
          },
          202: statusResponse('Not ready yet: being prepared'),
        },
        answers: [503],
      },
      staff,
      async (req, res) => {
        const status = await exportsOf.download(KIND, versionRefOf(req.params), actorOf(req));
        if (status.status === 'ready') return sendFile(res, status);
        if (status.status === 'failed') throw new HttpError(503, 'export_failed', FAILED_MESSAGE, []);
        res.status(202).json(exportStatusJson(status));
      },
    )
    .route(
      {
        method: 'get',
        path: '/packs/:versionId/trainer-pack',
        operationId: 'getTrainerPackStatus',
        tag: 'pack',
        summary:
          'Where the trainer’s pack of a pack version stands (asking starts it when it is not made yet)',
        params: versionParamsSchema,
        ok: { 200: statusResponse('Building (with the files made so far), ready, or failed') },
      },
      staff,
      async (req, res) => {
        res.json(exportStatusJson(await exportsOf.status(KIND, versionRefOf(req.params), actorOf(req))));
      },
    )
    .route(
      {
        method: 'post',
        path: '/packs/:versionId/trainer-pack',
        operationId: 'retryTrainerPack',
        tag: 'pack',
        summary:
          'Prepare the trainer’s pack again after a failure (or for the first time); a running build is left alone',
        params: versionParamsSchema,
        ok: { 202: statusResponse('Where it stands now') },
      },
      staff,
      async (req, res) => {
        res
          .status(202)
          .json(exportStatusJson(await exportsOf.retry(KIND, versionRefOf(req.params), actorOf(req))));
      },
    );
}
