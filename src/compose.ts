import type { Config } from './config';
import type { Pack } from './content/types';
import { PackRegistry } from './content/registry';
import type { Db } from './db/sqlite/open';
import { createSqliteUnitOfWork } from './db/sqlite/unit-of-work';
import { createAuditSqliteRepo } from './audit/audit.sqlite';
import { createAuditService } from './audit/audit.service';
import { createAuthSqliteRepo } from './auth/auth.sqlite';
import { createAuthService } from './auth/auth.service';
import { createThrottle } from './auth/throttle';
import { createUsersSqliteRepo } from './users/users.sqlite';
import { createUsersService } from './users/users.service';
import { createEventsSqliteRepo } from './events/events.sqlite';
import { createCohortsSqliteRepo } from './cohorts/cohorts.sqlite';
import { createCohortsService } from './cohorts/cohorts.service';
import { createProgressSqliteRepo } from './progress/progress.sqlite';
import { createProgressService } from './progress/progress.service';
import { createResponsesSqliteRepo } from './responses/responses.sqlite';
import { createResponsesService } from './responses/responses.service';
import { createFormsSqliteRepo } from './forms/forms.sqlite';
import { createFormsService } from './forms/forms.service';
import { createReportsService } from './reports/reports.service';
import { createVariantsSqliteRepo } from './variants/variants.sqlite';
import { createVariantsService } from './variants/variants.service';
import { createXapiSqliteRepo } from './xapi/xapi.sqlite';
import { createXapiService } from './xapi/xapi.service';
import { createPrivacySqliteRepo } from './privacy/privacy.sqlite';
import { createPrivacyService } from './privacy/privacy.service';
import { createPagesService } from './pages/pages.service';
import { createAdminHomeService } from './pages/admin-home.service';
import { createOpsSqliteRepo } from './ops/ops.sqlite';
import { createOpsService } from './ops/ops.service';
import { createMetrics } from './ops/metrics';
import { createPeopleSearchSqliteRepo } from './search/search.sqlite';
import { createSearchService } from './search/search.service';
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
  const auditRepo = createAuditSqliteRepo(db);
  const authRepo = createAuthSqliteRepo(db);
  const usersRepo = createUsersSqliteRepo(db);
  const eventsRepo = createEventsSqliteRepo(db);
  const cohortsRepo = createCohortsSqliteRepo(db);
  const progressRepo = createProgressSqliteRepo(db);
  const variantsRepo = createVariantsSqliteRepo(db);

  const packs = new PackRegistry(pack, variantsRepo);
  const auth = createAuthService(
    uow,
    config,
    clock,
    authRepo,
    usersRepo,
    auditRepo,
    createThrottle(authRepo, clock),
  );
  const users = createUsersService(uow, usersRepo, authRepo, auditRepo);
  const variants = createVariantsService(uow, variantsRepo, packs, progressRepo, auditRepo);
  const cohorts = createCohortsService(
    uow,
    cohortsRepo,
    usersRepo,
    progressRepo,
    auditRepo,
    packs,
    variants.isPublished,
  );
  const progress = createProgressService(uow, progressRepo, cohortsRepo, eventsRepo);
  const responses = createResponsesService(uow, createResponsesSqliteRepo(db), eventsRepo);
  const forms = createFormsService(uow, createFormsSqliteRepo(db), eventsRepo, clock);
  const reports = createReportsService(cohorts, cohortsRepo, usersRepo, progress, responses, forms);
  const pages = createPagesService(packs, cohorts, progress, responses, forms, reports);
  const xapi = createXapiService(config, eventsRepo, createXapiSqliteRepo(db), packs, logger);
  const privacy = createPrivacyService(uow, createPrivacySqliteRepo(db), auditRepo);
  const audit = createAuditService(auditRepo);
  const ops = createOpsService(createOpsSqliteRepo(db), packs);
  const metrics = createMetrics(config.dbFile);
  const search = createSearchService(createPeopleSearchSqliteRepo(db));
  const adminHome = createAdminHomeService(uow, users, cohorts, variants, auditRepo, config.publicUrl);

  return {
    packs,
    auth,
    users,
    variants,
    cohorts,
    progress,
    responses,
    forms,
    reports,
    pages,
    xapi,
    privacy,
    audit,
    ops,
    metrics,
    search,
    adminHome,
  };
}

export type Services = ReturnType<typeof compose>;
