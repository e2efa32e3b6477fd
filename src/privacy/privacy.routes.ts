import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { HttpError } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { formAction } from '../web/form-action';
import { z } from 'zod';
import { ApiRouter, intId, jsonResponse } from '../web/api-route';
import { requireRole, requireUser } from '../web/guards';
import { renderPage } from '../web/render';
import { readableData } from './data.view';
import { erasedJson, subjectExportJson } from './privacy.presenter';
import { erasedJsonSchema, eraseSchema, subjectExportJsonSchema } from './privacy.schema';

/** On the page, a refusal without field details (erasing oneself, erased already) is shown against the confirm field. */
function againstConfirmField(err: unknown): unknown {
  if (!(err instanceof HttpError) || err.details.length > 0 || ![403, 409, 422].includes(err.status))
    return err;
  return new HttpError(err.status, err.code, err.message, [{ field: 'confirmEmail', message: err.message }]);
}

export function privacyRoutes(services: Services): Router {
  const router = Router();
  const admin = requireRole('admin');

  const exportOf = async (req: Request) => {
    const id = Number(req.params.id);
    return subjectExportJson(id, await services.privacy.exportPerson(id, actorOf(req)));
  };

  const dataPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const exported = await exportOf(req);
    const name = String(exported.record.account!.name);
    const erased = req.query.erased === '1';
    const locals = {
      title: `Personal data: ${name}`,
      exported,
      readable: readableData(exported, services.packs.base),
      own: false,
      errors: [],
      fieldErrors: {},
      erased,
    };
    renderPage(req, res, 'privacy/data', { ...locals, ...extra }, status);
  };

  // Everyone's own data (UK GDPR art. 15), readable and as JSON: no administrator needed
  const ownExport = async (req: Request) => {
    const actor = actorOf(req);
    return subjectExportJson(actor.id, await services.privacy.exportPerson(actor.id, actor));
  };
  router.get('/account/data', requireUser, async (req, res) => {
    const exported = await ownExport(req);
    const pack = await services.cohorts.packFor(actorOf(req));
    renderPage(req, res, 'privacy/data', {
      title: 'Your data',
      exported,
      readable: readableData(exported, pack),
      own: true,
      errors: [],
      fieldErrors: {},
      erased: false,
    });
  });
  router.get('/account/data.json', requireUser, async (req, res) => {
    const exported = await ownExport(req);
    res.setHeader('Content-Disposition', 'attachment; filename="packway-my-data.json"');
    res.json(exported);
  });

  router.get('/users/:id/data', admin, (req, res) => dataPage(req, res));
  router.get('/users/:id/data.json', admin, async (req, res) => {
    const exported = await exportOf(req);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="packway-person-${Number(req.params.id)}.json"`,
    );
    res.json(exported);
  });
  router.post(
    '/users/:id/erase',
    admin,
    formAction(
      async (req, res) => {
        const id = Number(req.params.id);
        try {
          await services.privacy.erase(id, parseInput(eraseSchema, req.body), actorOf(req));
        } catch (err) {
          throw againstConfirmField(err);
        }
        res.redirect(303, `/users/${id}/data?erased=1`);
      },
      (req, res, { errors, fieldErrors }, status) => dataPage(req, res, { errors, fieldErrors }, status),
    ),
  );
  return router;
}

export function privacyApiRoutes(services: Services): ApiRouter {
  const admin = requireRole('admin');
  const userParams = z.object({ id: intId('The person') });
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/me/export',
        operationId: 'exportMe',
        tag: 'privacy',
        summary: 'Everything held about me (subject access, for anyone signed in)',
        ok: { 200: jsonResponse(subjectExportJsonSchema, 'My record') },
      },
      requireUser,
      async (req, res) => {
        const actor = actorOf(req);
        res.json(subjectExportJson(actor.id, await services.privacy.exportPerson(actor.id, actor)));
      },
    )
    .route(
      {
        method: 'get',
        path: '/users/:id/export',
        operationId: 'exportPerson',
        tag: 'privacy',
        summary: 'Everything held about a person (subject access)',
        params: userParams,
        ok: { 200: jsonResponse(subjectExportJsonSchema, 'The record') },
      },
      admin,
      async (req, res) => {
        const id = Number(req.params.id);
        res.json(subjectExportJson(id, await services.privacy.exportPerson(id, actorOf(req))));
      },
    )
    .route(
      {
        method: 'post',
        path: '/users/:id/erase',
        operationId: 'erasePerson',
        tag: 'privacy',
        summary: 'Erase a person’s learning records and account (type their email address to confirm)',
        params: userParams,
        body: eraseSchema,
        ok: { 200: jsonResponse(erasedJsonSchema, 'Erased') },
        answers: [409],
      },
      admin,
      async (req, res) => {
        const id = Number(req.params.id);
        await services.privacy.erase(id, parseInput(eraseSchema, req.body), actorOf(req));
        res.json(erasedJson(id));
      },
    );
}
