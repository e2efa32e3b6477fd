import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { parseCsv } from '../shared/csv';
import { Invalid } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { ApiRouter, jsonResponse } from '../web/api-route';
import { requireCohortAccess } from '../web/guards';
import { formAction, type FormProblems } from '../web/form-action';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import { enrolled, enrolledByName, trainerAdded } from './cohorts.messages';
import { enrolmentJson } from './cohorts.presenter';
import { candidatesQuerySchema, enrolmentJsonSchema, membersSchema, pickedSchema } from './cohorts.schema';
import { cohortId, cohortParams, manageForm } from './manage-page';

/** The cohort's trainers and any admin (the cohort's own list is checked by the service each route calls). */
const cohortStaff = requireCohortAccess('trainer', 'admin');

/** Emails from a pasted list (commas, spaces or new lines) or a CSV whose first column (or `email` column) holds them. */
function emailsFrom(req: Request): string[] {
  const body = req.body as Record<string, unknown>;
  if (req.file) {
    const rows = parseCsv(req.file.buffer.toString('utf8')).filter((r) => r.some((c) => c.trim()));
    const header = rows[0]?.map((c) => c.trim().toLowerCase()) ?? [];
    const col = Math.max(0, header.indexOf('email'));
    return rows
      .slice(header.includes('email') ? 1 : 0)
      .map((r) => (r[col] ?? '').trim())
      .filter(Boolean);
  }
  const text = typeof body.emails === 'string' ? body.emails : '';
  return text
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

/** Enrolling learners (picked from a list, pasted or from a CSV) and adding trainers. */
export function membershipRoutes(services: Services): Router {
  const router = Router();

  // --- enrolling by picking from a list ---
  const choosePage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const { q } = parseQuery(candidatesQuerySchema, req);
    const cohort = await services.cohorts.manageable(cohortId(req), actorOf(req));
    const people = await services.cohortMembership.candidates(cohort.id, q, actorOf(req));
    const chosen = new Set([problems?.values.userIds ?? []].flat().map((v) => String(v)));
    renderPage(
      req,
      res,
      'cohorts/choose',
      {
        title: `Choose learners for ${cohort.name}`,
        cohort,
        q,
        people,
        chosen,
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/cohorts/:id/members/choose', cohortStaff, async (req, res) => choosePage(req, res));
  router.post(
    '/cohorts/:id/members/choose',
    cohortStaff,
    formAction(async (req, res) => {
      const { userIds } = parseInput(pickedSchema, req.body);
      const result = await services.cohortMembership.enrol(cohortId(req), { userIds }, actorOf(req));
      const who = (await services.cohorts.detail(cohortId(req), actorOf(req))).members
        .filter((m) => userIds.includes(m.id))
        .map((m) => m.name);
      await req.flash(enrolledByName(who, result));
      res.redirect(303, `/cohorts/${cohortId(req)}/manage#members`);
    }, choosePage),
  );

  router.post(
    '/cohorts/:id/members',
    cohortStaff,
    manageForm(services, async (req) => {
      const emails = emailsFrom(req);
      if (emails.length === 0)
        throw new Invalid([
          { field: 'emails', message: 'Enter at least one email address or choose a CSV file' },
        ]);
      const result = await services.cohortMembership.enrol(
        cohortId(req),
        parseInput(membersSchema, { emails }),
        actorOf(req),
      );
      return enrolled(result);
    }),
  );
  router.post(
    '/cohorts/:id/trainers',
    cohortStaff,
    manageForm(services, async (req) => {
      const email = String(req.body.trainerEmail ?? '').trim();
      await services.cohortMembership.addTrainer(cohortId(req), email, actorOf(req));
      return trainerAdded(email);
    }),
  );
  return router;
}

/** `POST /api/v1/cohorts/:id/members`: enrols learners by email or id. */
export function membershipApiRoutes(services: Services): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'post',
      path: '/cohorts/:id/members',
      operationId: 'enrolMembers',
      tag: 'cohorts',
      summary: 'Enrol learners by email address or by user id',
      params: cohortParams,
      body: membersSchema,
      ok: { 201: jsonResponse(enrolmentJsonSchema, 'How many were enrolled') },
    },
    cohortStaff,
    async (req, res) => {
      res
        .status(201)
        .json(
          enrolmentJson(
            await services.cohortMembership.enrol(
              cohortId(req),
              parseInput(membersSchema, req.body),
              actorOf(req),
            ),
          ),
        );
    },
  );
}
