import { Router, type Request, type Response } from 'express';
import type { Module } from '../content/types';
import { RAID_PLAN, RAID_REPORT } from '../reports/reports.service';
import type { ErrorDetail } from '../shared/errors';
import { formAction, type FormProblems } from '../web/form-action';
import { parseQuery } from '../web/query';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import type { FormEntry } from './forms.service';
import type { Services } from '../compose';
import { parseInput } from '../shared/validate';
import { renderModuleWithProblems } from '../pages/module-problems';
import { packForRequest } from '../web/pack-choice';
import { actorOf } from '../web/actor';
import { z } from 'zod';
import { ApiRouter, intId, jsonResponse, strId } from '../web/api-route';
import { requireRole } from '../web/guards';
import { safeLocalPath } from '../web/safe-redirect';
import { actionDoneJson, actionsJson, formHistoryJson, submissionJson } from './forms.presenter';
import {
  actionDoneApiSchema,
  actionDoneJsonSchema,
  actionDonePageSchema,
  actionsJsonSchema,
  formHistoryJsonSchema,
  submissionApiSchema,
  submissionJsonSchema,
  newEntryQuerySchema,
  submissionPageSchema,
  valuesFromPageBody,
} from './forms.schema';

/** A form's problems named as its page fields are (`f.group.field`); the plan select is `linkedId` as it is. */
function pageProblems(details: ErrorDetail[]): ErrorDetail[] {
  return details.map((d) =>
    d.field === 'linkedId' || d.field === 'form' ? d : { ...d, field: `f.${d.field}` },
  );
}

const moduleUrl = (id: string) => `/modules/${encodeURIComponent(id)}`;

/**
 * One entry of a repeatable form on a page of its own: a new one (a raid report written from its plan, which takes
 * the plan's host and date), changing one, and deleting one after a confirmation. Only the learner who wrote it.
 */
function entryRoutes(services: Services, router: Router) {
  const plansFor = async (req: Request, moduleId: string) =>
    moduleId === RAID_REPORT ? services.forms.forModule(actorOf(req).id, RAID_PLAN) : null;

  async function renderEntry(
    req: Request,
    res: Response,
    page: {
      mod: Module;
      entry: FormEntry | null;
      values: Record<string, unknown>;
      linkedId: number | string | null;
      problems?: ErrorDetail[];
    },
    status = 200,
  ) {
    const { mod, entry } = page;
    const noun = mod.id === RAID_PLAN ? 'raid plan' : mod.id === RAID_REPORT ? 'raid report' : 'entry';
    const details = page.problems ?? [];
    const [pack, raidPlans] = await Promise.all([packForRequest(services.pages, req), plansFor(req, mod.id)]);
    renderPage(
      req,
      res,
      'work/entry',
      {
        title: entry ? `Change your ${noun}` : mod.id === RAID_REPORT ? 'Write up a raid' : mod.title,
        pack,
        mod,
        entry,
        values: page.values,
        linkedId: page.linkedId,
        raidPlans,
        action: entry ? `${moduleUrl(mod.id)}/entries/${entry.id}` : `${moduleUrl(mod.id)}/entries`,
        errors: errorSummary(details),
        fieldErrors: fieldErrors(details),
      },
      status,
    );
  }

  const typedPage = (problems: FormProblems) => ({
    values: valuesFromPageBody(problems.values),
    linkedId: typeof problems.values.linkedId === 'string' ? problems.values.linkedId : null,
    problems: pageProblems(problems.details),
  });

  router.get('/modules/:id/entries/new', requireRole('learner'), async (req, res) => {
    const mod = services.forms.formModule(await packForRequest(services.pages, req), String(req.params.id));
    const { plan } = parseQuery(newEntryQuerySchema, req);
    const start =
      plan && mod.id === RAID_REPORT ? await services.forms.linkedStart(actorOf(req), plan) : null;
    await renderEntry(req, res, {
      mod,
      entry: null,
      values: start?.values ?? {},
      linkedId: start?.linkedId ?? null,
    });
  });

  router.post(
    '/modules/:id/entries',
    requireRole('learner'),
    formAction(
      async (req, res) => {
        const input = parseInput(submissionPageSchema, req.body);
        const pack = await packForRequest(services.pages, req);
        const entry = await services.pages.submitEntry(actorOf(req), pack, String(req.params.id), input);
        res.redirect(303, `${moduleUrl(entry.moduleId)}?saved=form#entry-${entry.id}`);
      },
      async (req, res, problems, status) => {
        const mod = services.forms.formModule(
          await packForRequest(services.pages, req),
          String(req.params.id),
        );
        await renderEntry(req, res, { mod, entry: null, ...typedPage(problems) }, status);
      },
    ),
  );

  router.get('/modules/:id/entries/:entryId', requireRole('learner'), async (req, res) => {
    const { mod, entry } = await services.forms.entry(
      actorOf(req),
      await packForRequest(services.pages, req),
      String(req.params.id),
      Number(req.params.entryId),
    );
    await renderEntry(req, res, { mod, entry, values: entry.data, linkedId: entry.linkedId });
  });

  router.post(
    '/modules/:id/entries/:entryId',
    requireRole('learner'),
    formAction(
      async (req, res) => {
        const input = parseInput(submissionPageSchema, req.body);
        const pack = await packForRequest(services.pages, req);
        const entry = await services.pages.updateEntry(
          actorOf(req),
          pack,
          String(req.params.id),
          Number(req.params.entryId),
          input,
        );
        res.redirect(303, `${moduleUrl(entry.moduleId)}?saved=form#entry-${entry.id}`);
      },
      async (req, res, problems, status) => {
        const { mod, entry } = await services.forms.entry(
          actorOf(req),
          await packForRequest(services.pages, req),
          String(req.params.id),
          Number(req.params.entryId),
        );
        await renderEntry(req, res, { mod, entry, ...typedPage(problems) }, status);
      },
    ),
  );

  router.get('/modules/:id/entries/:entryId/delete', requireRole('learner'), async (req, res) => {
    const { mod, entry } = await services.forms.entry(
      actorOf(req),
      await packForRequest(services.pages, req),
      String(req.params.id),
      Number(req.params.entryId),
    );
    renderPage(req, res, 'work/entry-delete', { title: 'Are you sure you want to delete this?', mod, entry });
  });

  router.post('/modules/:id/entries/:entryId/delete', requireRole('learner'), async (req, res) => {
    const pack = await packForRequest(services.pages, req);
    const moduleId = String(req.params.id);
    await services.pages.removeEntry(actorOf(req), pack, moduleId, Number(req.params.entryId));
    res.redirect(303, `${moduleUrl(moduleId)}?saved=deleted#previous`);
  });
}

/** Pages: a module's form (activities, raid plans and reports, the self-assessment) and ticking off actions. */
export function formRoutes(services: Services): Router {
  const router = Router();

  // The form's fields are named `f.group.field`, so are its problems; what the learner typed is shown again.
  router.post(
    '/modules/:id/submissions',
    requireRole('learner'),
    formAction(
      async (req, res) => {
        const input = parseInput(submissionPageSchema, req.body);
        const pack = await packForRequest(services.pages, req);
        await services.pages.submitEntry(actorOf(req), pack, String(req.params.id), input); // a submitted form completes it
        res.redirect(303, `/modules/${encodeURIComponent(String(req.params.id))}?saved=form#form`);
      },
      async (req, res, problems, status) => {
        const details = pageProblems(problems.details);
        const formValues = valuesFromPageBody(problems.values);
        const linkedIdTyped = typeof problems.values.linkedId === 'string' ? problems.values.linkedId : null;
        await renderModuleWithProblems(services, req, res, details, { formValues, linkedIdTyped }, status);
      },
    ),
  );

  entryRoutes(services, router);

  router.post('/actions/:id', requireRole('learner'), async (req, res) => {
    const { done } = parseInput(actionDonePageSchema, req.body);
    await services.forms.setActionDone(actorOf(req), Number(req.params.id), done);
    res.redirect(303, `${safeLocalPath(req.body.returnTo, '/progress').replace(/[?#].*$/, '')}#your-actions`);
  });
  return router;
}

/** API: `/me/forms` and `/me/actions`. */
export function formApiRoutes(services: Services): ApiRouter {
  const learner = requireRole('learner');
  const moduleParams = z.object({ moduleId: strId('The module id') });
  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/me/forms/:moduleId',
        operationId: 'submitForm',
        tag: 'me',
        summary: 'Submit the module’s form (a raid plan or report, the self-assessment, an activity)',
        params: moduleParams,
        body: submissionApiSchema,
        ok: { 201: jsonResponse(submissionJsonSchema, 'The submission saved') },
      },
      learner,
      async (req, res) => {
        const input = parseInput(submissionApiSchema, req.body);
        const pack = await packForRequest(services.pages, req);
        const entry = await services.pages.submitEntry(
          actorOf(req),
          pack,
          String(req.params.moduleId),
          input,
        );
        res.status(201).json(submissionJson(entry));
      },
    )
    .route(
      {
        method: 'get',
        path: '/me/forms/:moduleId',
        operationId: 'listMySubmissions',
        tag: 'me',
        summary: 'My submissions of the module’s form and, for a rating form, the chart of my attempts',
        params: moduleParams,
        ok: { 200: jsonResponse(formHistoryJsonSchema, 'My submissions') },
      },
      learner,
      async (req, res) => {
        const pack = await packForRequest(services.pages, req);
        res.json(formHistoryJson(await services.forms.mine(actorOf(req), pack, String(req.params.moduleId))));
      },
    )
    .route(
      {
        method: 'get',
        path: '/me/actions',
        operationId: 'listMyActions',
        tag: 'me',
        summary: 'The actions I planned in forms, with due days and whether they are done',
        ok: { 200: jsonResponse(actionsJsonSchema, 'My actions') },
      },
      learner,
      async (req, res) => {
        res.json(actionsJson(await services.reports.actionsOf(actorOf(req).id)));
      },
    )
    .route(
      {
        method: 'patch',
        path: '/me/actions/:id',
        operationId: 'setActionDone',
        tag: 'me',
        summary: 'Mark one of my actions done or not done',
        params: z.object({ id: intId('The action') }),
        body: actionDoneApiSchema,
        ok: { 200: jsonResponse(actionDoneJsonSchema, 'The action as saved') },
      },
      learner,
      async (req, res) => {
        const { done } = parseInput(actionDoneApiSchema, req.body);
        await services.forms.setActionDone(actorOf(req), Number(req.params.id), done);
        res.json(actionDoneJson(Number(req.params.id), done));
      },
    );
}
