import type { Config } from './config';
import type { Pack } from './content/types';
import { PackRegistry } from './content/registry';
import type { Db } from './db/sqlite/open';
import { createSqliteUnitOfWork } from './db/sqlite/unit-of-work';
import { createAuditRepo } from './audit/audit.repo';
import { createAuthRepo } from './auth/auth.repo';
import { createAuthService } from './auth/auth.service';
import { createThrottle } from './auth/throttle';
import { createUsersRepo } from './users/users.repo';
import { createUsersService } from './users/users.service';
import { createEventsRepo } from './events/events.repo';
import { createCohortsRepo } from './cohorts/cohorts.repo';
import { createCohortsService } from './cohorts/cohorts.service';
import { createProgressRepo } from './progress/progress.repo';
import { createProgressService } from './progress/progress.service';
import { createResponsesRepo } from './responses/responses.repo';
import { createResponsesService } from './responses/responses.service';
import { createFormsRepo } from './forms/forms.repo';
import { createFormsService } from './forms/forms.service';
import { createReportsService } from './reports/reports.service';
import { createVariantsRepo } from './variants/variants.repo';
import { createVariantsService } from './variants/variants.service';
import { createXapiRepo } from './xapi/xapi.repo';
import { createXapiService } from './xapi/xapi.service';
import { createPrivacyRepo } from './privacy/privacy.repo';
import { createPrivacyService } from './privacy/privacy.service';
import { createPagesService } from './pages/pages.service';
import { createOpsRepo } from './ops/ops.repo';
import { createOpsService } from './ops/ops.service';
import { createMetrics } from './ops/metrics';
import type { Logger } from './shared/logger';
import { systemClock, type Clock } from './shared/clock';

export interface Infrastructure {
  db: Db;
  /** The built-in pack, compiled. */
  pack: Pack;
  config: Config;
  logger: Logger;
  /** The time; tests pass one they can move. */
  clock?: Clock;
}

/**
 * The composition root: builds repositories (statements prepared once), the unit of work and the services, in
 * dependency order, and returns the services only. It holds no rules: nothing here decides anything.
 */
export function compose({ db, pack, config, logger, clock = systemClock }: Infrastructure) {
  const uow = createSqliteUnitOfWork(db);
  const auditRepo = createAuditRepo(db);
  const authRepo = createAuthRepo(db);
  const usersRepo = createUsersRepo(db);
  const eventsRepo = createEventsRepo(db);
  const cohortsRepo = createCohortsRepo(db);
  const progressRepo = createProgressRepo(db);
  const variantsRepo = createVariantsRepo(db);

  const packs = new PackRegistry(pack, variantsRepo);
  const auth = createAuthService(uow, config, clock, authRepo, usersRepo, auditRepo, createThrottle(authRepo, clock));
  const users = createUsersService(uow, usersRepo, authRepo, auditRepo);
  const variants = createVariantsService(uow, variantsRepo, packs, progressRepo, auditRepo);
  const cohorts = createCohortsService(uow, cohortsRepo, usersRepo, progressRepo, auditRepo, packs, variants.isPublished);
  const progress = createProgressService(uow, progressRepo, cohortsRepo, eventsRepo);
  const responses = createResponsesService(uow, createResponsesRepo(db), eventsRepo);
  const forms = createFormsService(uow, createFormsRepo(db), eventsRepo);
  const reports = createReportsService(cohorts, cohortsRepo, usersRepo, progress, responses, forms);
  const pages = createPagesService(packs, cohorts, progress, responses, forms, reports);
  const xapi = createXapiService(config, eventsRepo, createXapiRepo(db), packs, logger);
  const privacy = createPrivacyService(uow, createPrivacyRepo(db), auditRepo);
  const audit = { list: auditRepo.list };
  const ops = createOpsService(createOpsRepo(db), packs);
  const metrics = createMetrics(config.dbFile);

  return { packs, auth, users, variants, cohorts, progress, responses, forms, reports, pages, xapi, privacy, audit, ops, metrics };
}

export type Services = ReturnType<typeof compose>;
