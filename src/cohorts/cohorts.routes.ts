import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { Invalid } from '../shared/errors';
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
  matrixPage,
} from './cohorts.presenter';
import {
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
        cohorts: services.cohorts.list(actorOf(req)),
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
    const { area } = parseQuery(matrixQuerySchema, req);
    renderPage(
      req,
      res,
      'cohorts/matrix',
      matrixPage(services.cohorts.matrix(cohortId(req), actorOf(req)), area),
    );
  });

  router.get('/cohorts/:id/progress.csv', (req, res) => {
    const data = services.cohorts.matrix(cohortId(req), actorOf(req));
    res.type('text/csv').attachment(`cohort-${data.cohort.id}-progress.csv`).send(progressCsv(data));
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
      services.cohorts.removeMember(cohortId(req), Number(req.params.userId), actorOf(req));
      return 'Removed from the cohort';
    }),
  );
  router.post(
    '/cohorts/:id/trainers',
    manageForm((req) => {
      services.cohorts.addTrainer(cohortId(req), String(req.body.trainerEmail ?? ''), actorOf(req));
      return 'Trainer added';
    }),
  );
  router.post(
    '/cohorts/:id/trainers/:userId/remove',
    manageForm((req) => {
      services.cohorts.removeTrainer(cohortId(req), Number(req.params.userId), actorOf(req));
      return 'Trainer removed';
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
      return 'Module assigned';
    }),
  );
  router.post(
    '/cohorts/:id/assignments/:aid',
    manageForm((req) => {
      const aid = Number(req.params.aid);
      if (req.body.action === 'remove') services.cohorts.removeAssignment(cohortId(req), aid, actorOf(req));
      else {
        const { dueAt } = parseInput(dueDateSchema, { dueAt: dayFields(req, `dueAt-${aid}`) });
        services.cohorts.changeAssignment(cohortId(req), aid, dueAt, actorOf(req));
      }
      return 'Assignment updated';
    }),
  );
  router.post(
    '/cohorts/:id/details',
    manageForm((req) => {
      services.cohorts.update(cohortId(req), parseInput(cohortDetailsSchema, req.body), actorOf(req));
      return 'Cohort details saved';
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
      .json(services.cohorts.enrol(cohortId(req), parseInput(membersSchema, req.body), actorOf(req)));
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
    res.json({ id: cohortId(req), variantVersionId });
  });
  router.get('/cohorts/:id/progress.csv', (req, res) => {
    res.type('text/csv').send(progressCsv(services.cohorts.matrix(cohortId(req), actorOf(req))));
  });
  router.get('/cohorts/:id/progress', (req, res) => {
    res.json(cohortProgressJson(services.cohorts.matrix(cohortId(req), actorOf(req))));
  });
  return router;
}
