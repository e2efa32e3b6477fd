import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { HttpError } from '../shared/errors';
import { actorOf } from '../web/actor';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import type { ExportStatus, VersionRef } from './builds.service';
import { exportNoun, exportPaths, exportStatusJson } from './builds.presenter';
import {
  exportStatusSchema,
  packageKindOf,
  packageParamsSchema,
  packageQuerySchema,
  versionParamsSchema,
  versionRefOf,
} from './builds.schema';
import { PACKAGE_KINDS, type ExportKind, type ExportScope } from './export-kinds';

/** Which export a request names: its kind, pack version and part of the pack. */
interface ExportRequest {
  kind: ExportKind;
  versionId: VersionRef;
  scope: ExportScope;
}

/**
 * One kind of export's addresses: the trainer's pack at `/packs/:versionId/trainer-pack`, the packages at
 * `/packs/:versionId/export/:format` (`?section=` or `?module=`). Both behave alike, so both are made here.
 */
interface ExportAddress {
  /** The Express path of the progress page; the file is at the same path plus `.zip`. */
  path: string;
  /** Reads the request into the export it names (a bad version or format is a 404; a bad query a 400/422). */
  requestOf(req: Request): ExportRequest;
}

const TRAINER_PACK: ExportAddress = {
  path: '/packs/:versionId/trainer-pack',
  requestOf: (req) => ({ kind: 'trainer-pack', versionId: versionRefOf(req.params), scope: {} }),
};

const PACKAGE: ExportAddress = {
  path: '/packs/:versionId/export/:format',
  requestOf: (req) => ({
    kind: packageKindOf(req.params),
    versionId: versionRefOf(req.params),
    scope: parseQuery(packageQuerySchema, req),
  }),
};

/** The builds service's arguments for the export a request names, asked by the person signed in. */
function askOf(address: ExportAddress, req: Request) {
  const { kind, versionId, scope } = address.requestOf(req);
  return [kind, versionId, actorOf(req), scope] as const;
}

/** A ready export, sent as a download (a new build has a new file name on disk, so nothing stale is cached). */
function sendFile(res: Response, status: ExportStatus & { file?: string }): void {
  res.set('Cache-Control', 'private, no-cache');
  res.download(status.file!, status.fileName, { dotfiles: 'allow' });
}

/** The pages of one kind of export: its file, its progress page while it is prepared, and trying again after a failure. */
function exportPages(router: Router, services: Services, address: ExportAddress): void {
  const staff = requireRole('trainer', 'admin');
  const exportsOf = services.exportBuilds;
  const ask = (req: Request) => askOf(address, req);

  const progressPage = (req: Request, res: Response, status: ExportStatus) => {
    const noun = exportNoun(status.kind);
    renderPage(req, res, 'exports/progress', {
      title:
        status.status === 'ready'
          ? `The ${noun} is ready`
          : status.status === 'failed'
            ? `The ${noun} could not be prepared`
            : `Preparing the ${noun}`,
      noun,
      status,
      paths: exportPaths(status),
      statusUrl: exportPaths(status, '/api/v1').page,
      isAdmin: actorOf(req).role === 'admin',
    });
  };

  // the file first: `:format` would otherwise take `scorm12.zip` as a format (and answer 404)
  router.get(`${address.path}.zip`, staff, async (req, res) => {
    const status = await exportsOf.download(...ask(req));
    if (status.status === 'ready') return sendFile(res, status);
    // not ready: the page that shows its progress, and then the link
    res.redirect(303, exportPaths(status).page);
  });
  router.get(address.path, staff, async (req, res) => {
    progressPage(req, res, await exportsOf.status(...ask(req)));
  });
  router.post(address.path, staff, async (req, res) => {
    const status = await exportsOf.retry(...ask(req));
    res.redirect(303, exportPaths(status).page);
  });
}

/** What the form on the page for other learning systems asks: a format, and one section or one module. */
const choiceQuerySchema = z.object({
  format: z.string().optional(),
  part: z.string().optional(),
});

/** Pages: the trainer's pack and the packages of a version, and the page that explains the packages and offers them. */
export function buildRoutes(services: Services): Router {
  const router = Router();
  const staff = requireRole('trainer', 'admin');
  exportPages(router, services, TRAINER_PACK);

  router.get('/packs/:versionId/export', staff, async (req, res) => {
    const versionId = versionRefOf(req.params);
    const choices = await services.exportBuilds.packageChoices(versionId, actorOf(req));
    const asked = parseQuery(choiceQuerySchema, req);
    const chosen = 'format' in req.query || 'part' in req.query ? choose(asked, choices.sections) : null;
    // a good choice goes to its file (downloaded when ready, else its progress page); a bad one is shown on the form
    if (chosen && !chosen.errors.length)
      return res.redirect(303, exportPaths({ kind: chosen.kind!, versionId, part: chosen.part }).file);
    renderPage(
      req,
      res,
      'exports/packages',
      {
        title: 'Use this pack in another learning system',
        choices,
        paths: choices.packages.map((p) => exportPaths(p)),
        values: { format: asked.format ?? '', part: asked.part ?? '' },
        errors: chosen?.errors ?? [],
        fieldErrors: Object.fromEntries((chosen?.errors ?? []).map((e) => [e.href.slice(1), e.text])),
      },
      chosen?.errors.length ? 400 : 200,
    );
  });
  exportPages(router, services, PACKAGE);
  return router;
}

/** The form's answer checked against the version's sections and modules: the chosen format and part, or what is wrong. */
function choose(
  asked: z.infer<typeof choiceQuerySchema>,
  sections: { id: string; modules: { id: string }[] }[],
) {
  const errors: { text: string; href: string }[] = [];
  const kind = PACKAGE_KINDS.find((k) => k === asked.format);
  if (!kind) errors.push({ text: 'Choose the standard your learning system takes', href: '#format' });
  const [, scope, id] = /^(section|module):(.+)$/.exec(asked.part ?? '') ?? [];
  const known =
    scope === 'section'
      ? sections.some((s) => s.id === id)
      : scope === 'module' && sections.some((s) => s.modules.some((m) => m.id === id));
  if (!known) errors.push({ text: 'Choose a section or a module of the pack from the list', href: '#part' });
  const part = known ? { scope: scope as 'section' | 'module', id } : null;
  return { kind, part, errors };
}

/** The API of one kind of export: its file (202 while it is prepared), where it stands, and trying again. */
function exportApi(
  services: Services,
  address: ExportAddress,
  contract: {
    names: { download: string; status: string; retry: string };
    params: z.ZodObject;
    query?: z.ZodObject;
    /** What the file is, for the summaries ("The trainer’s pack of a pack version: …"). */
    what: string;
    noun: string;
  },
): ApiRouter {
  const staff = requireRole('trainer', 'admin');
  const exportsOf = services.exportBuilds;
  const statusResponse = (description: string) => jsonResponse(exportStatusSchema, description);
  const ask = (req: Request) => askOf(address, req);
  const page = address.path.replace(/:(\w+)/g, '{$1}');
  const failed = `The ${contract.noun} could not be prepared: start it again with POST ${page}`;
  const inputs = { params: contract.params, ...(contract.query ? { query: contract.query } : {}) };
  const answers = contract.query ? [422] : [];
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: `${address.path}.zip`,
        operationId: contract.names.download,
        tag: 'pack',
        summary: contract.what,
        description:
          'Made off the request thread and kept per pack version. The first request starts it and answers 202 with its ' +
          `progress: ask again (or poll \`GET ${page}\`) until it answers 200 with the zip.`,
        ...inputs,
        ok: {
          200: {
            description: 'The zip',
            content: {
              'application/zip': { schema: z.string().meta({ contentMediaType: 'application/zip' }) },
            },
          },
          202: statusResponse('Not ready yet: being prepared'),
        },
        answers: [503, ...answers],
      },
      staff,
      async (req, res) => {
        const status = await exportsOf.download(...ask(req));
        if (status.status === 'ready') return sendFile(res, status);
        if (status.status === 'failed') throw new HttpError(503, 'export_failed', failed, []);
        res.status(202).json(exportStatusJson(status));
      },
    )
    .route(
      {
        method: 'get',
        path: address.path,
        operationId: contract.names.status,
        tag: 'pack',
        summary: `Where the ${contract.noun} of a pack version stands (asking starts it when it is not made yet)`,
        ...inputs,
        ok: { 200: statusResponse('Building (with the files made so far), ready, or failed') },
        ...(answers.length ? { answers } : {}),
      },
      staff,
      async (req, res) => {
        res.json(exportStatusJson(await exportsOf.status(...ask(req))));
      },
    )
    .route(
      {
        method: 'post',
        path: address.path,
        operationId: contract.names.retry,
        tag: 'pack',
        summary: `Prepare the ${contract.noun} again after a failure (or for the first time); a running build is left alone`,
        ...inputs,
        ok: { 202: statusResponse('Where it stands now') },
        ...(answers.length ? { answers } : {}),
      },
      staff,
      async (req, res) => {
        res.status(202).json(exportStatusJson(await exportsOf.retry(...ask(req))));
      },
    );
}

/** The API: the trainer's pack and the SCORM and cmi5 packages, each as a file, where it stands, and trying again. */
export function buildApiRoutes(services: Services): ApiRouter {
  return new ApiRouter().mount(
    exportApi(services, TRAINER_PACK, {
      names: { download: 'downloadTrainerPack', status: 'getTrainerPackStatus', retry: 'retryTrainerPack' },
      params: versionParamsSchema,
      what: 'The trainer’s pack of a pack version: every deck as .pptx, every module as .docx, the facilitator guide',
      noun: 'trainer’s pack',
    }),
    exportApi(services, PACKAGE, {
      names: { download: 'downloadPackage', status: 'getPackageStatus', retry: 'retryPackage' },
      params: packageParamsSchema,
      query: packageQuerySchema,
      what:
        'A pack version as a package another learning system imports: SCORM 1.2, SCORM 2004 (4th edition) or cmi5, ' +
        'of the whole pack, one section (`?section=`) or one module (`?module=`); one SCO or AU per module',
      noun: 'package',
    }),
  );
}
