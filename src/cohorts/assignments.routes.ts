import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { ApiRouter, intId, jsonResponse } from '../web/api-route';
import { requireCohortAccess } from '../web/guards';
import { formAction, type FormProblems } from '../web/form-action';
import { renderPage } from '../web/render';
import { assigned, assignedMany, dueDateChanged, dueDatesShifted, unassigned } from './cohorts.messages';
import { assignableModules } from './cohorts.presenter';
import {
  assignmentIdJsonSchema,
  assignmentSchema,
  dateFromParts,
  dueDateSchema,
  scheduleSchema,
  shiftSchema,
} from './cohorts.schema';
import { cohortId, cohortParams, manageForm } from './manage-page';

/** The cohort's trainers and any admin (the cohort's own list is checked by the service each route calls). */
const cohortStaff = requireCohortAccess('trainer', 'admin');

/** A due date from the GOV.UK day / month / year fields named `<name>-day` and so on. */
function dayFields(req: Request, name: string): string {
  const b = req.body as Record<string, unknown>;
  return dateFromParts(b[`${name}-day`], b[`${name}-month`], b[`${name}-year`]);
}

/** Assigning modules (one, or several at once), changing and moving due dates, and taking a module off. */
export function assignmentRoutes(services: Services): Router {
  const router = Router();

  // --- several modules at once, and moving every due date ---
  const schedulePage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const assignedOn = new Map(data.assignments.map((a) => [a.moduleId, a.dueAt]));
    renderPage(
      req,
      res,
      'cohorts/schedule',
      {
        title: `Assign modules to ${data.cohort.name}`,
        ...data,
        modules: assignableModules(data).map((m) => ({ ...m, dueAt: assignedOn.get(m.id) })),
        chosen: new Set([problems?.values.moduleIds ?? []].flat().map(String)),
        values: problems?.values ?? { everyDays: '7' },
        startOn: problems ? dayFields(req, 'startOn') : '',
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/cohorts/:id/assignments/schedule', cohortStaff, async (req, res) => schedulePage(req, res));
  router.post(
    '/cohorts/:id/assignments/schedule',
    cohortStaff,
    formAction(async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const data = parseInput(scheduleSchema, {
        moduleIds: body.moduleIds,
        startOn: dayFields(req, 'startOn'),
        everyDays: body.everyDays ?? '',
      });
      const planned = await services.cohortAssignments.assignMany(cohortId(req), data, actorOf(req));
      await req.flash(assignedMany(planned));
      res.redirect(303, `/cohorts/${cohortId(req)}/manage#assignments`);
    }, schedulePage),
  );
  const shiftPage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    renderPage(
      req,
      res,
      'cohorts/shift',
      {
        title: `Move the due dates of ${data.cohort.name}`,
        ...data,
        example: data.assignments[0]
          ? { title: data.assignments[0].title, dueAt: data.assignments[0].dueAt }
          : null,
        values: problems?.values ?? { direction: 'later' },
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/cohorts/:id/assignments/shift', cohortStaff, async (req, res) => shiftPage(req, res));
  router.post(
    '/cohorts/:id/assignments/shift',
    cohortStaff,
    formAction(async (req, res) => {
      const { days, direction } = parseInput(shiftSchema, req.body);
      const signed = direction === 'earlier' ? -days : days;
      const r = await services.cohortAssignments.shiftDueDates(cohortId(req), signed, actorOf(req));
      await req.flash(dueDatesShifted(r, days, direction));
      res.redirect(303, `/cohorts/${cohortId(req)}/manage#assignments`);
    }, shiftPage),
  );

  // --- one module, on the manage page ---
  router.post(
    '/cohorts/:id/assignments',
    cohortStaff,
    manageForm(services, async (req) => {
      const data = parseInput(assignmentSchema, {
        moduleId: req.body.moduleId,
        dueAt: dayFields(req, 'dueAt'),
      });
      const { title } = await services.cohortAssignments.assign(cohortId(req), data, actorOf(req));
      return assigned(title, data.dueAt);
    }),
  );
  router.post(
    '/cohorts/:id/assignments/:aid',
    cohortStaff,
    manageForm(services, async (req) => {
      const aid = Number(req.params.aid);
      if (req.body.action === 'remove') {
        const { title } = await services.cohortRemovals.removeAssignment(cohortId(req), aid, actorOf(req));
        return unassigned(title);
      }
      const { dueAt } = parseInput(dueDateSchema, { dueAt: dayFields(req, `dueAt-${aid}`) });
      const { title } = await services.cohortAssignments.changeAssignment(
        cohortId(req),
        aid,
        dueAt,
        actorOf(req),
      );
      return dueDateChanged(title, dueAt);
    }),
  );
  return router;
}

/** `POST /api/v1/cohorts/:id/assignments` and `PUT …/assignments/:aid`. */
export function assignmentApiRoutes(services: Services): ApiRouter {
  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/cohorts/:id/assignments',
        operationId: 'assignModule',
        tag: 'cohorts',
        summary: 'Assign a module with a due date (ISO 8601 date or date-time; the day is kept)',
        params: cohortParams,
        body: assignmentSchema,
        ok: { 201: jsonResponse(assignmentIdJsonSchema, 'The assignment created') },
        answers: [409],
      },
      cohortStaff,
      async (req, res) => {
        const { id } = await services.cohortAssignments.assign(
          cohortId(req),
          parseInput(assignmentSchema, req.body),
          actorOf(req),
        );
        res.status(201).json({ id });
      },
    )
    .route(
      {
        method: 'put',
        path: '/cohorts/:id/assignments/:aid',
        operationId: 'changeAssignment',
        tag: 'cohorts',
        summary: 'Change an assignment’s due date',
        params: cohortParams.extend({ aid: intId('The assignment') }),
        body: dueDateSchema,
        ok: { 200: jsonResponse(assignmentIdJsonSchema, 'The assignment changed') },
      },
      cohortStaff,
      async (req, res) => {
        const { dueAt } = parseInput(dueDateSchema, { dueAt: (req.body as Record<string, unknown>).dueAt });
        await services.cohortAssignments.changeAssignment(
          cohortId(req),
          Number(req.params.aid),
          dueAt,
          actorOf(req),
        );
        res.json({ id: Number(req.params.aid) });
      },
    );
}
