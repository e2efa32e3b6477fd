import type { Config } from './config';
import type { Db } from './db/open';
import type { PackRegistry } from './content/registry';
import type { Module, Pack } from './content/types';
import type { Logger } from './web/logger';
import { createAuditRepo } from './audit/audit.repo';
import { createAuthRepo } from './auth/auth.repo';
import { createAuthService } from './auth/auth.service';
import { createThrottle } from './auth/throttle';
import { createUsersRepo } from './users/users.repo';
import { createUsersService } from './users/users.service';
import { createCohortsRepo } from './cohorts/cohorts.repo';
import { createCohortsService } from './cohorts/cohorts.service';
import { createProgressRepo } from './progress/progress.repo';
import { createProgressService } from './progress/progress.service';
import { createEventsRepo } from './events/events.repo';
import { createGroupCommit } from './db/group-commit';
import { Forbidden, NotFound } from './shared/errors';
import { createResponsesRepo } from './responses/responses.repo';
import { createResponsesService } from './responses/responses.service';
import { createFormsRepo } from './forms/forms.repo';
import { createFormsService, type Submission } from './forms/forms.service';
import { ratingChart } from './forms/chart';
import { createReportsService, RAID_PLAN, RAID_REPORT, selfAssessmentModule } from './reports/reports.service';
import { createXapiRepo } from './xapi/xapi.repo';
import { createXapiService } from './xapi/xapi.service';
import { createVariantsRepo } from './variants/variants.repo';
import { createVariantsService } from './variants/variants.service';
import { packChanges } from './variants/diff';
import { createPrivacyRepo } from './privacy/privacy.repo';
import { createPrivacyService } from './privacy/privacy.service';

/** Every service, built once per app from its repositories (prepared statements are made here, once). */
export function createServices(db: Db, config: Config, packs: PackRegistry, logger: Logger) {
  const audit = createAuditRepo(db);
  const authRepo = createAuthRepo(db);
  const usersRepo = createUsersRepo(db);
  const eventsRepo = createEventsRepo(db);
  const cohortsRepo = createCohortsRepo(db);
  const progressRepo = createProgressRepo(db);
  const throttle = createThrottle(authRepo);
  const auth = createAuthService(db, config, authRepo, usersRepo, audit, throttle);
  const users = createUsersService(db, usersRepo, authRepo, audit);
  const versionCheck = { exists: (_id: number) => false };
  const cohorts = createCohortsService(db, cohortsRepo, usersRepo, progressRepo, audit, packs, (id) => versionCheck.exists(id));
  const commits = createGroupCommit(db);
  const progress = createProgressService(db, progressRepo, cohortsRepo, eventsRepo, commits);
  const responses = createResponsesService(db, createResponsesRepo(db), eventsRepo);
  const forms = createFormsService(db, createFormsRepo(db), eventsRepo);
  const reports = createReportsService(cohorts, cohortsRepo, usersRepo, progress, responses, forms);
  const xapi = createXapiService(config, eventsRepo, createXapiRepo(db), () => packs.base, logger);
  const variants = createVariantsService(db, createVariantsRepo(db), packs, progressRepo, audit);
  versionCheck.exists = (id) => variants.isPublished(id);
  const privacy = createPrivacyService(db, createPrivacyRepo(db), audit);
  const variantChanges = (from: Pack, to: Pack) => packChanges(from, to).map(({ id, title, change }) => ({ id, title, change }));
  const chartFor = (mod: Module, submissions: Submission[]) => (mod.form ? ratingChart(mod.form, submissions) : null);

  /**
   * The pack a person sees: with `?cohort=` that cohort's pinned variant (if they belong to it),
   * otherwise a learner's latest cohort's variant, otherwise the base pack.
   */
  function packFor(user: Express.User, cohortId?: number): Pack {
    if (cohortId !== undefined) {
      const cohort = cohortId > 0 ? cohortsRepo.get(cohortId) : undefined;
      if (!cohort) throw new NotFound('No such cohort');
      const allowed =
        user.role === 'admin' ||
        (user.role === 'trainer' && cohortsRepo.isTrainer(cohortId, user.id)) ||
        (user.role === 'learner' && cohortsRepo.isMember(cohortId, user.id));
      if (!allowed) throw new Forbidden('You are not part of that cohort');
      return packs.forVersion(cohort.variant_version_id);
    }
    if (user.role !== 'learner') return packs.base;
    return packs.forVersion(cohortsRepo.latestVersionForLearner(user.id));
  }

  function moduleStatusFor(user: Express.User): Map<string, string> {
    return user.role === 'learner' ? progress.moduleStatuses(user.id) : new Map();
  }

  /** What a module page shows for this person (their status and outcomes); opening marks it in progress. */
  function moduleView(user: Express.User, pack: Pack, mod: Module) {
    const status = progress.openModule(user, mod);
    const outcomeRows = user.role === 'learner' && mod.outcomes.length ? progress.outcomeMap(user.id, mod.outcomes) : new Map();
    const outcomes = mod.outcomes.map((id) => {
      const o = pack.outcomes.get(id);
      const row = outcomeRows.get(id);
      return { id, text: o?.text ?? id, areaId: o?.areaId ?? '', standard: o?.standard ?? null, status: row?.status ?? 'not_started', evidence: row?.evidence ?? '', updatedAt: row?.updated_at ?? null };
    });
    return { moduleStatus: status, outcomes, ...extras.moduleView(user, pack, mod) };
  }

  /** Later domains (learner work, variants) add to pages through these hooks, set when they are wired. */
  const extras = {
    moduleView: (_user: Express.User, _pack: Pack, _mod: Module): Record<string, unknown> => ({}),
    home: (_user: Express.User): Record<string, unknown> => ({}),
    progress: (_user: Express.User, _pack: Pack): Record<string, unknown> => ({}),
    variantChoices: (): { id: number; label: string }[] => [],
  };
  extras.moduleView = (user, _pack, mod) => {
    if (user.role !== 'learner') return {};
    const out: Record<string, unknown> = {};
    if (mod.prompts.length) out.responses = responses.forModule(user.id, mod.id);
    if (mod.form) {
      const submissions = forms.forModule(user.id, mod.id);
      out.submissions = submissions;
      out.chart = chartFor(mod, submissions);
      out.actions = reports.actionsOf(user.id).filter((a) => a.module_id === mod.id);
      if (mod.id === RAID_REPORT) out.raidPlans = forms.forModule(user.id, RAID_PLAN);
    }
    return out;
  };
  extras.progress = (user, pack) => {
    const sa = selfAssessmentModule(pack);
    return { raids: reports.raidsOf(user.id), assessments: sa ? forms.forModule(user.id, sa.id) : [], assessmentModule: sa?.id, actions: reports.actionsOf(user.id) };
  };
  extras.home = (user) => ({ actions: reports.actionsOf(user.id).filter((a) => !a.done).slice(0, 5) });
  extras.variantChoices = () => variants.choices();
  const homeExtras = (user: Express.User) => extras.home(user);
  const progressExtras = (user: Express.User, pack: Pack) => extras.progress(user, pack);
  const variantChoices = () => extras.variantChoices();

  return {
    db, config, packs, logger, audit, authRepo, usersRepo, eventsRepo, cohortsRepo, progressRepo,
    auth, users, cohorts, progress, packFor, moduleStatusFor, moduleView, extras, versionCheck,
    homeExtras, progressExtras, variantChoices, responses, forms, reports, xapi, chartFor, variants, variantChanges, privacy,
  };
}
export type Services = ReturnType<typeof createServices>;
