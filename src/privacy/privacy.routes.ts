import { Router, type Request, type Response } from 'express';
import type { Services } from '../compose';
import { HttpError } from '../shared/errors';
import { currentUser, handle, requireRole } from '../web/guards';
import { errorSummary, fieldErrors, renderPage } from '../web/render';
import type { PersonRecord } from './privacy.repo';

function actor(req: Request) {
  const user = currentUser(req);
  return { id: user.id, email: user.email, ip: req.ip };
}

/** The readable page groups the record under plain headings, in the order a person would look for them. */
const SECTIONS: { key: keyof PersonRecord; title: string }[] = [
  { key: 'cohortsAsLearner', title: 'Cohorts (as a learner)' },
  { key: 'cohortsAsTrainer', title: 'Cohorts (as a trainer)' },
  { key: 'outcomeProgress', title: 'Progress against learning outcomes' },
  { key: 'outcomeHistory', title: 'History of outcome changes' },
  { key: 'moduleProgress', title: 'Modules opened and completed' },
  { key: 'responses', title: 'Answers to case-study prompts' },
  { key: 'submissions', title: 'Raids, self-assessments and activities' },
  { key: 'actions', title: 'Actions planned' },
  { key: 'events', title: 'Learning events' },
  { key: 'sessions', title: 'Sign-in sessions' },
  { key: 'signInAddresses', title: 'Addresses used to sign in' },
  { key: 'apiTokens', title: 'API tokens' },
  { key: 'passwordLinks', title: 'Password links' },
  { key: 'auditEntries', title: 'Audit log entries' },
  { key: 'variantsCreated', title: 'Pack variants created' },
  { key: 'variantVersionsUploaded', title: 'Pack variant versions uploaded' },
];

export function privacyRoutes(services: Services): Router {
  const router = Router();
  router.use('/users/:id/data', requireRole('admin'));
  router.use('/users/:id/erase', requireRole('admin'));

  const dataPage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const id = Number(req.params.id);
    const exported = services.privacy.exportPerson(id, actor(req));
    const name = String(exported.record.account!.name);
    renderPage(req, res, 'privacy/data', { title: `Personal data: ${name}`, exported, sections: SECTIONS, errors: [], fieldErrors: {}, erased: req.query.erased === '1', ...extra }, status);
  };

  router.get('/users/:id/data', handle((req, res) => dataPage(req, res)));
  router.get(
    '/users/:id/data.json',
    handle((req, res) => {
      const id = Number(req.params.id);
      res.setHeader('Content-Disposition', `attachment; filename="packway-person-${id}.json"`);
      res.json(services.privacy.exportPerson(id, actor(req)));
    }),
  );
  router.post(
    '/users/:id/erase',
    handle((req, res) => {
      try {
        services.privacy.erase(Number(req.params.id), req.body, actor(req));
      } catch (err) {
        if (!(err instanceof HttpError) || (err.status !== 422 && err.status !== 409 && err.status !== 403)) throw err;
        const details = err.details.length ? err.details : [{ field: 'confirmEmail', message: err.message }];
        return dataPage(req, res, { errors: errorSummary(details), fieldErrors: fieldErrors(details) }, err.status);
      }
      res.redirect(303, `/users/${Number(req.params.id)}/data?erased=1`);
    }),
  );
  return router;
}

export function privacyApiRoutes(services: Services): Router {
  const router = Router();
  router.use('/users/:id/export', requireRole('admin'));
  router.use('/users/:id/erase', requireRole('admin'));
  router.get('/users/:id/export', handle((req, res) => res.json(services.privacy.exportPerson(Number(req.params.id), actor(req)))));
  router.post(
    '/users/:id/erase',
    handle((req, res) => {
      services.privacy.erase(Number(req.params.id), req.body, actor(req));
      res.json({ id: Number(req.params.id), erased: true });
    }),
  );
  return router;
}
