import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { Invalid, NotFound } from '../shared/errors';
import { parseCsv } from '../shared/csv';
import { parseInput } from '../shared/validate';
import { actorOf } from '../web/actor';
import { formAction, type FormProblems } from '../web/form-action';
import { requireRole } from '../web/guards';
import { parseQuery } from '../web/query';
import { renderPage } from '../web/render';
import {
  assignableModules,
  cohortDetailJson,
  cohortJson,
  cohortListJson,
  cohortProgressJson,
  enrolmentJson,
  matrixPage,
  pinJson,
} from './cohorts.presenter';
import {
  candidatesQuerySchema,
  copySchema,
  listQuerySchema,
  pickedSchema,
  scheduleSchema,
  shiftSchema,
  assignmentSchema,
  cohortDetailsSchema,
  cohortSchema,
  dateFromParts,
  dueDateSchema,
  matrixQuerySchema,
  membersSchema,
  pinSchema,
} from './cohorts.schema';
import { progressCsv } from './matrix.view';
import { UNDO_HOURS } from './cohorts.service';

/** A day as people read it: 3 March 2027. */
function longDate(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "Ann", "Ann and Bob", "Ann, Bob and 3 others". */
function names(list: string[]): string {
  if (list.length <= 1) return list.join('');
  if (list.length <= 3) return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  return `${list.slice(0, 2).join(', ')} and ${list.length - 2} others`;
}

function cohortId(req: Request): number {
  return Number(req.params.id);
}

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

/** A due date from the GOV.UK day / month / year fields named `<name>-day` and so on. */
function dayFields(req: Request, name: string): string {
  const b = req.body as Record<string, unknown>;
  return dateFromParts(b[`${name}-day`], b[`${name}-month`], b[`${name}-year`]);
}

export function cohortRoutes(services: Services): Router {
  const router = Router();
  router.use('/cohorts', requireRole('trainer', 'admin'));

  const listPage = (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    renderPage(
      req,
      res,
      'cohorts/list',
      {
        title: 'Cohorts',
        ...(() => {
          const { view } = parseQuery(listQuerySchema, req);
          return { view, cohorts: services.cohorts.list(actorOf(req), view === 'archived') };
        })(),
        versions: services.variants.choices(),
        values: problems?.values ?? {},
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/cohorts', (req, res) => listPage(req, res));
  router.post(
    '/cohorts',
    formAction((req, res) => {
      const cohort = services.cohorts.create(parseInput(cohortSchema, req.body), actorOf(req));
      res.redirect(303, `/cohorts/${cohort.id}/manage`);
    }, listPage),
  );

  router.get('/cohorts/:id', (req, res) => {
    const query = parseQuery(matrixQuerySchema, req);
    renderPage(
      req,
      res,
      'cohorts/matrix',
      matrixPage(services.cohorts.matrix(cohortId(req), actorOf(req)), query),
    );
  });

  router.get('/cohorts/:id/learners/:userId/outcomes/:outcomeId', (req, res) => {
    const data = services.cohorts.outcomeEvidence(
      cohortId(req),
      Number(req.params.userId),
      String(req.params.outcomeId),
      actorOf(req),
    );
    renderPage(req, res, 'cohorts/evidence', {
      title: `${data.learner.name}: ${data.outcome.id} evidence`,
      ...data,
    });
  });

  router.get('/cohorts/:id/progress.csv', (req, res) => {
    const data = services.cohorts.matrix(cohortId(req), actorOf(req));
    const evidence = services.reports.cohortEvidence(data.cohort.id, actorOf(req));
    res
      .type('text/csv')
      .attachment(`cohort-${data.cohort.id}-progress.csv`)
      .send(progressCsv(data, evidence));
  });

  const managePage = (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = services.cohorts.detail(cohortId(req), actorOf(req));
    renderPage(
      req,
      res,
      'cohorts/manage',
      {
        title: `Manage ${data.cohort.name}`,
        ...data,
        modules: assignableModules(data),
        versions: services.variants.choices(),
        pinLabel: services.variants.labelOf(data.cohort.variantVersionId),
        removals: services.cohorts.recentRemovals(data.cohort.id, actorOf(req)),
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
        values: problems?.values ?? {},
      },
      status,
    );
  };
  /** A form on the manage page: on success, a message and back to the page; on problems, the page with them. */
  const manageForm = (action: (req: Request) => string) =>
    formAction((req, res) => {
      req.flash(action(req));
      res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
    }, managePage);

  router.get('/cohorts/:id/manage', (req, res) => managePage(req, res));

  // --- editing, archiving and copying a cohort ---
  const editPage = (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const cohort = services.cohorts.manageable(cohortId(req), actorOf(req));
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
  router.get('/cohorts/:id/edit', (req, res) => editPage(req, res));
  router.post(
    '/cohorts/:id/edit',
    formAction((req, res) => {
      req.flash(
        services.cohorts.update(cohortId(req), parseInput(cohortDetailsSchema, req.body), actorOf(req)),
      );
      res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
    }, editPage),
  );
  router.post('/cohorts/:id/archive', (req, res) => {
    const cohort = services.cohorts.setArchived(cohortId(req), true, actorOf(req));
    req.flash(
      `“${cohort.name}” archived: it is no longer in your list of cohorts and its learners no longer see its modules. You can restore it from this page.`,
    );
    res.redirect(303, `/cohorts/${cohort.id}/manage`);
  });
  router.post('/cohorts/:id/restore', (req, res) => {
    const cohort = services.cohorts.setArchived(cohortId(req), false, actorOf(req));
    req.flash(`“${cohort.name}” restored: it is back in your list of cohorts`);
    res.redirect(303, `/cohorts/${cohort.id}/manage`);
  });
  const copyPage = (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = services.cohorts.detail(cohortId(req), actorOf(req));
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
  router.get('/cohorts/:id/copy', (req, res) => copyPage(req, res));
  router.post(
    '/cohorts/:id/copy',
    formAction((req, res) => {
      const r = services.cohorts.copy(cohortId(req), parseInput(copySchema, req.body), actorOf(req));
      const parts = [
        r.members ? `${r.members} ${r.members === 1 ? 'learner' : 'learners'}` : 'no learners',
        r.assignments
          ? `${r.assignments} assigned ${r.assignments === 1 ? 'module' : 'modules'}`
          : 'no modules',
      ];
      req.flash(`“${r.cohort.name}” created as a copy, with ${parts.join(' and ')}`);
      res.redirect(303, `/cohorts/${r.cohort.id}/manage`);
    }, copyPage),
  );

  // --- enrolling by picking from a list ---
  const choosePage = (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const { q } = parseQuery(candidatesQuerySchema, req);
    const cohort = services.cohorts.manageable(cohortId(req), actorOf(req));
    const people = services.cohorts.candidates(cohort.id, q, actorOf(req));
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
  router.get('/cohorts/:id/members/choose', (req, res) => choosePage(req, res));
  router.post(
    '/cohorts/:id/members/choose',
    formAction((req, res) => {
      const { userIds } = parseInput(pickedSchema, req.body);
      const result = services.cohorts.enrol(cohortId(req), { userIds }, actorOf(req));
      const who = services.cohorts
        .detail(cohortId(req), actorOf(req))
        .members.filter((m) => userIds.includes(m.id))
        .map((m) => m.name);
      req.flash(
        `Enrolled ${names(who)}${result.alreadyMembers ? ` (${result.alreadyMembers} already in the cohort)` : ''}`,
      );
      res.redirect(303, `/cohorts/${cohortId(req)}/manage#members`);
    }, choosePage),
  );

  // --- removing, with a confirmation first and an undo after ---
  const confirmPage = (
    req: Request,
    res: Response,
    what: { title: string; body: string; action: string; button: string; hidden?: Record<string, string> },
  ) => {
    const cohort = services.cohorts.manageable(cohortId(req), actorOf(req));
    renderPage(req, res, 'cohorts/confirm', { ...what, cohort });
  };
  router.get('/cohorts/:id/members/:userId/remove', (req, res) => {
    const data = services.cohorts.detail(cohortId(req), actorOf(req));
    const m = data.members.find((x) => x.id === Number(req.params.userId));
    if (!m) throw new NotFound('That person is not in this cohort');
    confirmPage(req, res, {
      title: `Remove ${m.name} from ${data.cohort.name}?`,
      body: `${m.name} will no longer see this cohort’s modules, and you will no longer see their work. Nothing they have written is deleted, and you can undo this for ${UNDO_HOURS} hours.`,
      action: `/cohorts/${data.cohort.id}/members/${m.id}/remove`,
      button: `Remove ${m.name}`,
    });
  });
  router.get('/cohorts/:id/trainers/:userId/remove', (req, res) => {
    const data = services.cohorts.detail(cohortId(req), actorOf(req));
    const tr = data.trainers.find((x) => x.id === Number(req.params.userId));
    if (!tr) throw new NotFound('That person is not a trainer of this cohort');
    confirmPage(req, res, {
      title: `Remove ${tr.name} as a trainer of ${data.cohort.name}?`,
      body: `${tr.name} will no longer see this cohort or its learners’ progress. You can undo this for ${UNDO_HOURS} hours.`,
      action: `/cohorts/${data.cohort.id}/trainers/${tr.id}/remove`,
      button: `Remove ${tr.name}`,
    });
  });
  router.get('/cohorts/:id/assignments/:aid/remove', (req, res) => {
    const data = services.cohorts.detail(cohortId(req), actorOf(req));
    const a = data.assignments.find((x) => x.id === Number(req.params.aid));
    if (!a) throw new NotFound('No such assignment');
    confirmPage(req, res, {
      title: `Stop assigning “${a.title}”?`,
      body: `Learners will no longer see it as due on ${longDate(a.dueAt)}. Their progress in it is kept, and you can undo this for ${UNDO_HOURS} hours.`,
      action: `/cohorts/${data.cohort.id}/assignments/${a.id}`,
      button: 'Remove the assignment',
      hidden: { action: 'remove' },
    });
  });
  router.post('/cohorts/:id/removals/:rid/undo', (req, res) => {
    req.flash(services.cohorts.undoRemoval(cohortId(req), Number(req.params.rid), actorOf(req)));
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  });

  // --- several modules at once, and moving every due date ---
  const schedulePage = (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = services.cohorts.detail(cohortId(req), actorOf(req));
    const assigned = new Map(data.assignments.map((a) => [a.moduleId, a.dueAt]));
    renderPage(
      req,
      res,
      'cohorts/schedule',
      {
        title: `Assign modules to ${data.cohort.name}`,
        ...data,
        modules: assignableModules(data).map((m) => ({ ...m, dueAt: assigned.get(m.id) })),
        chosen: new Set([problems?.values.moduleIds ?? []].flat().map(String)),
        values: problems?.values ?? { everyDays: '7' },
        startOn: problems ? dayFields(req, 'startOn') : '',
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
      },
      status,
    );
  };
  router.get('/cohorts/:id/assignments/schedule', (req, res) => schedulePage(req, res));
  router.post(
    '/cohorts/:id/assignments/schedule',
    formAction((req, res) => {
      const body = req.body as Record<string, unknown>;
      const data = parseInput(scheduleSchema, {
        moduleIds: body.moduleIds,
        startOn: dayFields(req, 'startOn'),
        everyDays: body.everyDays ?? '',
      });
      const planned = services.cohorts.assignMany(cohortId(req), data, actorOf(req));
      const last = planned[planned.length - 1];
      req.flash(
        planned.length === 1
          ? `“${planned[0].title}” assigned, due ${longDate(planned[0].dueAt)}`
          : `${planned.length} modules assigned, due from ${longDate(planned[0].dueAt)} to ${longDate(last.dueAt)}`,
      );
      res.redirect(303, `/cohorts/${cohortId(req)}/manage#assignments`);
    }, schedulePage),
  );
  const shiftPage = (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = services.cohorts.detail(cohortId(req), actorOf(req));
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
  router.get('/cohorts/:id/assignments/shift', (req, res) => shiftPage(req, res));
  router.post(
    '/cohorts/:id/assignments/shift',
    formAction((req, res) => {
      const { days, direction } = parseInput(shiftSchema, req.body);
      const signed = direction === 'earlier' ? -days : days;
      const r = services.cohorts.shiftDueDates(cohortId(req), signed, actorOf(req));
      req.flash(
        `${r.moved === 1 ? '1 due date' : `${r.moved} due dates`} moved ${days} ${days === 1 ? 'day' : 'days'} ${direction}${r.first ? `: the first is now due ${longDate(r.first)}` : ''}`,
      );
      res.redirect(303, `/cohorts/${cohortId(req)}/manage#assignments`);
    }, shiftPage),
  );
  router.post(
    '/cohorts/:id/members',
    manageForm((req) => {
      const emails = emailsFrom(req);
      if (emails.length === 0)
        throw new Invalid([
          { field: 'emails', message: 'Enter at least one email address or choose a CSV file' },
        ]);
      const result = services.cohorts.enrol(
        cohortId(req),
        parseInput(membersSchema, { emails }),
        actorOf(req),
      );
      return `${result.added} enrolled${result.alreadyMembers ? `, ${result.alreadyMembers} already in the cohort` : ''}`;
    }),
  );
  router.post(
    '/cohorts/:id/members/:userId/remove',
    manageForm((req) => {
      const name = services.cohorts.removeMember(cohortId(req), Number(req.params.userId), actorOf(req));
      return `${name} removed from the cohort. Their work is kept; you can undo this below.`;
    }),
  );
  router.post(
    '/cohorts/:id/trainers',
    manageForm((req) => {
      const email = String(req.body.trainerEmail ?? '').trim();
      services.cohorts.addTrainer(cohortId(req), email, actorOf(req));
      return `${email} added as a trainer`;
    }),
  );
  router.post(
    '/cohorts/:id/trainers/:userId/remove',
    manageForm((req) => {
      const name = services.cohorts.removeTrainer(cohortId(req), Number(req.params.userId), actorOf(req));
      return `${name} is no longer a trainer of this cohort; you can undo this below.`;
    }),
  );
  router.post(
    '/cohorts/:id/assignments',
    manageForm((req) => {
      const data = parseInput(assignmentSchema, {
        moduleId: req.body.moduleId,
        dueAt: dayFields(req, 'dueAt'),
      });
      services.cohorts.assign(cohortId(req), data, actorOf(req));
      const title = services.cohorts
        .detail(cohortId(req), actorOf(req))
        .assignments.find((a) => a.moduleId === data.moduleId)?.title;
      return `“${title ?? data.moduleId}” assigned, due ${longDate(data.dueAt)}`;
    }),
  );
  router.post(
    '/cohorts/:id/assignments/:aid',
    manageForm((req) => {
      const aid = Number(req.params.aid);
      if (req.body.action === 'remove') {
        const title = services.cohorts.removeAssignment(cohortId(req), aid, actorOf(req));
        return `“${title}” is no longer assigned; you can undo this below.`;
      }
      const { dueAt } = parseInput(dueDateSchema, { dueAt: dayFields(req, `dueAt-${aid}`) });
      services.cohorts.changeAssignment(cohortId(req), aid, dueAt, actorOf(req));
      const title = services.cohorts
        .detail(cohortId(req), actorOf(req))
        .assignments.find((a) => a.id === aid)?.title;
      return `Due date of “${title ?? 'the module'}” changed to ${longDate(dueAt)}`;
    }),
  );
  router.post(
    '/cohorts/:id/details',
    manageForm((req) => {
      return services.cohorts.update(cohortId(req), parseInput(cohortDetailsSchema, req.body), actorOf(req));
    }),
  );
  return router;
}

export function cohortApiRoutes(services: Services): Router {
  const router = Router();
  router.use('/cohorts', requireRole('trainer', 'admin'));
  router.get('/cohorts', (req, res) => {
    res.json(cohortListJson(services.cohorts.list(actorOf(req))));
  });
  router.post('/cohorts', (req, res) => {
    res
      .status(201)
      .json(cohortJson(services.cohorts.create(parseInput(cohortSchema, req.body), actorOf(req))));
  });
  router.get('/cohorts/:id', (req, res) => {
    res.json(cohortDetailJson(services.cohorts.detail(cohortId(req), actorOf(req))));
  });
  router.post('/cohorts/:id/members', (req, res) => {
    res
      .status(201)
      .json(
        enrolmentJson(
          services.cohorts.enrol(cohortId(req), parseInput(membersSchema, req.body), actorOf(req)),
        ),
      );
  });
  router.delete('/cohorts/:id/members/:userId', (req, res) => {
    services.cohorts.removeMember(cohortId(req), Number(req.params.userId), actorOf(req));
    res.status(204).end();
  });
  router.post('/cohorts/:id/assignments', (req, res) => {
    const id = services.cohorts.assign(cohortId(req), parseInput(assignmentSchema, req.body), actorOf(req));
    res.status(201).json({ id });
  });
  router.put('/cohorts/:id/assignments/:aid', (req, res) => {
    const { dueAt } = parseInput(dueDateSchema, { dueAt: (req.body as Record<string, unknown>).dueAt });
    services.cohorts.changeAssignment(cohortId(req), Number(req.params.aid), dueAt, actorOf(req));
    res.json({ id: Number(req.params.aid) });
  });
  router.delete('/cohorts/:id/assignments/:aid', (req, res) => {
    services.cohorts.removeAssignment(cohortId(req), Number(req.params.aid), actorOf(req));
    res.status(204).end();
  });
  router.put('/cohorts/:id/variant', (req, res) => {
    const { variantVersionId } = parseInput(pinSchema, req.body);
    services.cohorts.pin(cohortId(req), variantVersionId, actorOf(req));
    res.json(pinJson(cohortId(req), variantVersionId));
  });
  router.get('/cohorts/:id/progress.csv', (req, res) => {
    const data = services.cohorts.matrix(cohortId(req), actorOf(req));
    const evidence = services.reports.cohortEvidence(data.cohort.id, actorOf(req));
    res.type('text/csv').send(progressCsv(data, evidence));
  });
  router.get('/cohorts/:id/progress', (req, res) => {
    res.json(cohortProgressJson(services.cohorts.matrix(cohortId(req), actorOf(req))));
  });
  return router;
}
