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

  router.get('/cohorts/:id', async (req, res) => {
    const query = parseQuery(matrixQuerySchema, req);
    renderPage(
      req,
      res,
      'cohorts/matrix',
      matrixPage(await services.cohorts.matrix(cohortId(req), actorOf(req)), query),
    );
  });

  router.get('/cohorts/:id/learners/:userId/outcomes/:outcomeId', async (req, res) => {
    const data = await services.cohorts.outcomeEvidence(
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

  router.get('/cohorts/:id/progress.csv', async (req, res) => {
    const data = await services.cohorts.matrix(cohortId(req), actorOf(req));
    const evidence = await services.reports.cohortEvidence(data.cohort.id, actorOf(req));
    res
      .type('text/csv')
      .attachment(`cohort-${data.cohort.id}-progress.csv`)
      .send(progressCsv(data, evidence));
  });

  const managePage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const [versions, pinLabel, removals] = await Promise.all([
      services.variants.choices(),
      services.variants.labelOf(data.cohort.variantVersionId),
      services.cohorts.recentRemovals(data.cohort.id, actorOf(req)),
    ]);
    renderPage(
      req,
      res,
      'cohorts/manage',
      {
        title: `Manage ${data.cohort.name}`,
        ...data,
        modules: assignableModules(data),
        versions,
        pinLabel,
        removals,
        errors: problems?.errors ?? [],
        fieldErrors: problems?.fieldErrors ?? {},
        values: problems?.values ?? {},
      },
      status,
    );
  };
  /** A form on the manage page: on success, a message and back to the page; on problems, the page with them. */
  const manageForm = (action: (req: Request) => Promise<string>) =>
    formAction(async (req, res) => {
      await req.flash(await action(req));
      res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
    }, managePage);

  router.get('/cohorts/:id/manage', async (req, res) => managePage(req, res));

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
      await req.flash(
        await services.cohorts.update(cohortId(req), parseInput(cohortDetailsSchema, req.body), actorOf(req)),
      );
      res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
    }, editPage),
  );
  router.post('/cohorts/:id/archive', async (req, res) => {
    const cohort = await services.cohorts.setArchived(cohortId(req), true, actorOf(req));
    await req.flash(
      `“${cohort.name}” archived: it is no longer in your list of cohorts and its learners no longer see its modules. You can restore it from this page.`,
    );
    res.redirect(303, `/cohorts/${cohort.id}/manage`);
  });
  router.post('/cohorts/:id/restore', async (req, res) => {
    const cohort = await services.cohorts.setArchived(cohortId(req), false, actorOf(req));
    await req.flash(`“${cohort.name}” restored: it is back in your list of cohorts`);
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
      const parts = [
        r.members ? `${r.members} ${r.members === 1 ? 'learner' : 'learners'}` : 'no learners',
        r.assignments
          ? `${r.assignments} assigned ${r.assignments === 1 ? 'module' : 'modules'}`
          : 'no modules',
      ];
      await req.flash(`“${r.cohort.name}” created as a copy, with ${parts.join(' and ')}`);
      res.redirect(303, `/cohorts/${r.cohort.id}/manage`);
    }, copyPage),
  );

  // --- enrolling by picking from a list ---
  const choosePage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const { q } = parseQuery(candidatesQuerySchema, req);
    const cohort = await services.cohorts.manageable(cohortId(req), actorOf(req));
    const people = await services.cohorts.candidates(cohort.id, q, actorOf(req));
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
  router.get('/cohorts/:id/members/choose', async (req, res) => choosePage(req, res));
  router.post(
    '/cohorts/:id/members/choose',
    formAction(async (req, res) => {
      const { userIds } = parseInput(pickedSchema, req.body);
      const result = await services.cohorts.enrol(cohortId(req), { userIds }, actorOf(req));
      const who = (await services.cohorts.detail(cohortId(req), actorOf(req))).members
        .filter((m) => userIds.includes(m.id))
        .map((m) => m.name);
      await req.flash(
        `Enrolled ${names(who)}${result.alreadyMembers ? ` (${result.alreadyMembers} already in the cohort)` : ''}`,
      );
      res.redirect(303, `/cohorts/${cohortId(req)}/manage#members`);
    }, choosePage),
  );

  // --- removing, with a confirmation first and an undo after ---
  const confirmPage = async (
    req: Request,
    res: Response,
    what: { title: string; body: string; action: string; button: string; hidden?: Record<string, string> },
  ) => {
    const cohort = await services.cohorts.manageable(cohortId(req), actorOf(req));
    renderPage(req, res, 'cohorts/confirm', { ...what, cohort });
  };
  router.get('/cohorts/:id/members/:userId/remove', async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const m = data.members.find((x) => x.id === Number(req.params.userId));
    if (!m) throw new NotFound('That person is not in this cohort');
    await confirmPage(req, res, {
      title: `Remove ${m.name} from ${data.cohort.name}?`,
      body: `${m.name} will no longer see this cohort’s modules, and you will no longer see their work. Nothing they have written is deleted, and you can undo this for ${UNDO_HOURS} hours.`,
      action: `/cohorts/${data.cohort.id}/members/${m.id}/remove`,
      button: `Remove ${m.name}`,
    });
  });
  router.get('/cohorts/:id/trainers/:userId/remove', async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const tr = data.trainers.find((x) => x.id === Number(req.params.userId));
    if (!tr) throw new NotFound('That person is not a trainer of this cohort');
    await confirmPage(req, res, {
      title: `Remove ${tr.name} as a trainer of ${data.cohort.name}?`,
      body: `${tr.name} will no longer see this cohort or its learners’ progress. You can undo this for ${UNDO_HOURS} hours.`,
      action: `/cohorts/${data.cohort.id}/trainers/${tr.id}/remove`,
      button: `Remove ${tr.name}`,
    });
  });
  router.get('/cohorts/:id/assignments/:aid/remove', async (req, res) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
    const a = data.assignments.find((x) => x.id === Number(req.params.aid));
    if (!a) throw new NotFound('No such assignment');
    await confirmPage(req, res, {
      title: `Stop assigning “${a.title}”?`,
      body: `Learners will no longer see it as due on ${longDate(a.dueAt)}. Their progress in it is kept, and you can undo this for ${UNDO_HOURS} hours.`,
      action: `/cohorts/${data.cohort.id}/assignments/${a.id}`,
      button: 'Remove the assignment',
      hidden: { action: 'remove' },
    });
  });
  router.post('/cohorts/:id/removals/:rid/undo', async (req, res) => {
    await req.flash(await services.cohorts.undoRemoval(cohortId(req), Number(req.params.rid), actorOf(req)));
    res.redirect(303, `/cohorts/${cohortId(req)}/manage`);
  });

  // --- several modules at once, and moving every due date ---
  const schedulePage = async (req: Request, res: Response, problems?: FormProblems, status = 200) => {
    const data = await services.cohorts.detail(cohortId(req), actorOf(req));
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
  router.get('/cohorts/:id/assignments/schedule', async (req, res) => schedulePage(req, res));
  router.post(
    '/cohorts/:id/assignments/schedule',
    formAction(async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const data = parseInput(scheduleSchema, {
        moduleIds: body.moduleIds,
        startOn: dayFields(req, 'startOn'),
        everyDays: body.everyDays ?? '',
      });
      const planned = await services.cohorts.assignMany(cohortId(req), data, actorOf(req));
      const last = planned[planned.length - 1];
      await req.flash(
        planned.length === 1
          ? `“${planned[0].title}” assigned, due ${longDate(planned[0].dueAt)}`
          : `${planned.length} modules assigned, due from ${longDate(planned[0].dueAt)} to ${longDate(last.dueAt)}`,
      );
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
  router.get('/cohorts/:id/assignments/shift', async (req, res) => shiftPage(req, res));
  router.post(
    '/cohorts/:id/assignments/shift',
    formAction(async (req, res) => {
      const { days, direction } = parseInput(shiftSchema, req.body);
      const signed = direction === 'earlier' ? -days : days;
      const r = await services.cohorts.shiftDueDates(cohortId(req), signed, actorOf(req));
      await req.flash(
        `${r.moved === 1 ? '1 due date' : `${r.moved} due dates`} moved ${days} ${days === 1 ? 'day' : 'days'} ${direction}${r.first ? `: the first is now due ${longDate(r.first)}` : ''}`,
      );
      res.redirect(303, `/cohorts/${cohortId(req)}/manage#assignments`);
    }, shiftPage),
  );
  router.post(
    '/cohorts/:id/members',
    manageForm(async (req) => {
      const emails = emailsFrom(req);
      if (emails.length === 0)
        throw new Invalid([
          { field: 'emails', message: 'Enter at least one email address or choose a CSV file' },
        ]);
      const result = await services.cohorts.enrol(
        cohortId(req),
        parseInput(membersSchema, { emails }),
        actorOf(req),
      );
      return `${result.added} enrolled${result.alreadyMembers ? `, ${result.alreadyMembers} already in the cohort` : ''}`;
    }),
  );
  router.post(
    '/cohorts/:id/members/:userId/remove',
    manageForm(async (req) => {
      const name = await services.cohorts.removeMember(
        cohortId(req),
        Number(req.params.userId),
        actorOf(req),
      );
      return `${name} removed from the cohort. Their work is kept; you can undo this below.`;
    }),
  );
  router.post(
    '/cohorts/:id/trainers',
    manageForm(async (req) => {
      const email = String(req.body.trainerEmail ?? '').trim();
      await services.cohorts.addTrainer(cohortId(req), email, actorOf(req));
      return `${email} added as a trainer`;
    }),
  );
  router.post(
    '/cohorts/:id/trainers/:userId/remove',
    manageForm(async (req) => {
      const name = await services.cohorts.removeTrainer(
        cohortId(req),
        Number(req.params.userId),
        actorOf(req),
      );
      return `${name} is no longer a trainer of this cohort; you can undo this below.`;
    }),
  );
  router.post(
    '/cohorts/:id/assignments',
    manageForm(async (req) => {
      const data = parseInput(assignmentSchema, {
        moduleId: req.body.moduleId,
        dueAt: dayFields(req, 'dueAt'),
      });
      await services.cohorts.assign(cohortId(req), data, actorOf(req));
      const title = (await services.cohorts.detail(cohortId(req), actorOf(req))).assignments.find(
        (a) => a.moduleId === data.moduleId,
      )?.title;
      return `“${title ?? data.moduleId}” assigned, due ${longDate(data.dueAt)}`;
    }),
  );
  router.post(
    '/cohorts/:id/assignments/:aid',
    manageForm(async (req) => {
      const aid = Number(req.params.aid);
      if (req.body.action === 'remove') {
        const title = await services.cohorts.removeAssignment(cohortId(req), aid, actorOf(req));
        return `“${title}” is no longer assigned; you can undo this below.`;
      }
      const { dueAt } = parseInput(dueDateSchema, { dueAt: dayFields(req, `dueAt-${aid}`) });
      await services.cohorts.changeAssignment(cohortId(req), aid, dueAt, actorOf(req));
      const title = (await services.cohorts.detail(cohortId(req), actorOf(req))).assignments.find(
        (a) => a.id === aid,
      )?.title;
      return `Due date of “${title ?? 'the module'}” changed to ${longDate(dueAt)}`;
    }),
  );
  router.post(
    '/cohorts/:id/details',
    manageForm(async (req) => {
      return await services.cohorts.update(
        cohortId(req),
        parseInput(cohortDetailsSchema, req.body),
        actorOf(req),
      );
    }),
  );
  return router;
}

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
  router.post('/cohorts/:id/members', async (req, res) => {
    res
      .status(201)
      .json(
        enrolmentJson(
          await services.cohorts.enrol(cohortId(req), parseInput(membersSchema, req.body), actorOf(req)),
        ),
      );
  });
  router.delete('/cohorts/:id/members/:userId', async (req, res) => {
    await services.cohorts.removeMember(cohortId(req), Number(req.params.userId), actorOf(req));
    res.status(204).end();
  });
  router.post('/cohorts/:id/assignments', async (req, res) => {
    const id = await services.cohorts.assign(
      cohortId(req),
      parseInput(assignmentSchema, req.body),
      actorOf(req),
    );
    res.status(201).json({ id });
  });
  router.put('/cohorts/:id/assignments/:aid', async (req, res) => {
    const { dueAt } = parseInput(dueDateSchema, { dueAt: (req.body as Record<string, unknown>).dueAt });
    await services.cohorts.changeAssignment(cohortId(req), Number(req.params.aid), dueAt, actorOf(req));
    res.json({ id: Number(req.params.aid) });
  });
  router.delete('/cohorts/:id/assignments/:aid', async (req, res) => {
    await services.cohorts.removeAssignment(cohortId(req), Number(req.params.aid), actorOf(req));
    res.status(204).end();
  });
  router.put('/cohorts/:id/variant', async (req, res) => {
    const { variantVersionId } = parseInput(pinSchema, req.body);
    await services.cohorts.pin(cohortId(req), variantVersionId, actorOf(req));
    res.json(pinJson(cohortId(req), variantVersionId));
  });
  router.get('/cohorts/:id/progress.csv', async (req, res) => {
    const data = await services.cohorts.matrix(cohortId(req), actorOf(req));
    const evidence = await services.reports.cohortEvidence(data.cohort.id, actorOf(req));
    res.type('text/csv').send(progressCsv(data, evidence));
  });
  router.get('/cohorts/:id/progress', async (req, res) => {
    res.json(cohortProgressJson(await services.cohorts.matrix(cohortId(req), actorOf(req))));
  });
  return router;
}
