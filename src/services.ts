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
import { Forbidden, NotFound } from './web/errors';

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
  const progress = createProgressService(db, progressRepo, cohortsRepo, eventsRepo);

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
    const outcomeRows = user.role === 'learner' ? progress.outcomeMap(user.id) : new Map();
    const outcomes = mod.outcomes.map((id) => {
      const o = pack.outcomes.get(id);
      const row = outcomeRows.get(id);
      return { id, text: o?.text ?? id, areaId: o?.areaId ?? '', status: row?.status ?? 'not_started', evidence: row?.evidence ?? '', updatedAt: row?.updated_at ?? null };
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
  const homeExtras = (user: Express.User) => extras.home(user);
  const progressExtras = (user: Express.User, pack: Pack) => extras.progress(user, pack);
  const variantChoices = () => extras.variantChoices();

  return {
    db, config, packs, logger, audit, authRepo, usersRepo, eventsRepo, cohortsRepo, progressRepo,
    auth, users, cohorts, progress, packFor, moduleStatusFor, moduleView, extras, versionCheck,
    homeExtras, progressExtras, variantChoices,
  };
}
export type Services = ReturnType<typeof createServices>;
