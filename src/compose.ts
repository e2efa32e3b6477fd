import type { Config } from './config';
import type { Pack } from './content/types';
import { PackRegistry } from './content/registry';
import { createUnitOfWork, type Database } from './db/ports';
import { createAuditRepo } from './audit/audit.sql';
import { createAuditService } from './audit/audit.service';
import { createAuthRepo } from './auth/auth.sql';
import { createAuthService } from './auth/auth.service';
import { createThrottle } from './auth/throttle';
import { createOidcClient } from './auth/oidc.client';
import { createSsoRepo } from './auth/sso.sql';
import { createSsoService } from './auth/sso.service';
import { createUsersRepo } from './users/users.sql';
import { createUsersService } from './users/users.service';
import { createEventsRepo } from './events/events.sql';
import { createCohortsRepo } from './cohorts/cohorts.sql';
import { createAudited } from './cohorts/audited';
import { createCohortsService } from './cohorts/cohorts.service';
import { createMembershipService } from './cohorts/membership.service';
import { createAssignmentsService } from './cohorts/assignments.service';
import { createRemovalsService } from './cohorts/removals.service';
import { createMatrixService } from './cohorts/matrix.service';
import { createProgressRepo } from './progress/progress.sql';
import { createProgressService } from './progress/progress.service';
import { createReviewsRepo } from './reviews/reviews.sql';
import { createReviewsService } from './reviews/reviews.service';
import { createAreaWatch } from './reviews/area-watch';
import { createResponsesRepo } from './responses/responses.sql';
import { createResponsesService } from './responses/responses.service';
import { createFormsRepo } from './forms/forms.sql';
import { createFormsService } from './forms/forms.service';
import { createReportsService } from './reports/reports.service';
import { createVariantsRepo } from './variants/variants.sql';
import { createVariantsService } from './variants/variants.service';
import { diskExportCache } from './exports/export-cache';
import { workerExportRunner } from './exports/export-runner';
import { createBuildsService } from './exports/builds.service';
import { createXapiRepo } from './xapi/xapi.sql';
import { createXapiService } from './xapi/xapi.service';
import { createPrivacyRepo } from './privacy/privacy.sql';
import { createPrivacyService } from './privacy/privacy.service';
import { createPagesService } from './pages/pages.service';
import { createAdminHomeService } from './pages/admin-home.service';
import { createOpsRepo } from './ops/ops.sql';
import { createOpsService } from './ops/ops.service';
import { createMetrics } from './ops/metrics';
import { createPeopleSearchRepo } from './search/search.sql';
import { createSearchService } from './search/search.service';
import { createJobsRepo } from './jobs/jobs.sql';
import { createJobRunner } from './jobs/runner';
import {
  mailSending,
  passwordResets,
  reminders as reminderChecks,
  retention,
  retentionErasure,
  sessionSweeping,
  xapiForwarding,
  exportPreparing,
  badgeIssuing,
  ltiScores,
  ltiRosterSync,
} from './jobs/handlers';
import type { MailTransport } from './messages/mail.port';
import { createMailTransport } from './messages/transport';
import { createMessagesRepo } from './messages/messages.sql';
import { createRemindersRepo } from './messages/reminders.sql';
import { createOutbox } from './messages/outbox.service';
import { createMessagesService } from './messages/messages.service';
import { createReminders } from './messages/reminders.service';
import { createCalendarService } from './messages/calendar.service';
import { createDocumentsService } from './exports/documents.service';
import { lazyOfficeWriter } from './exports/writers';
import { createLtiRepo } from './lti/lti.sql';
import { createJoseTokens } from './lti/lti.jose';
import { createLtiService } from './lti/lti.service';
import { createBadgesRepo } from './badges/badges.sql';
import { createBadgesService } from './badges/badges.service';
import { dataIntegritySigner } from './badges/credential-signer';
import { createLtiAdvantage } from './lti/lti.advantage';
import { createLtiGrades } from './lti/grades.service';
import { createLtiRosterService } from './lti/roster.service';
import { createLtiRegistration } from './lti/registration.service';
import type { Logger } from './shared/logger';
import { systemClock, type Clock } from './shared/clock';

export interface Infrastructure {
  db: Database;
  /** The built-in pack, compiled. */
  pack: Pack;
  config: Config;
  logger: Logger;
  /** The time; tests pass one they can move. */
  clock?: Clock;
  /** How messages leave; by default the one MAIL_TRANSPORT names (tests pass one with their own certificate). */
  mail?: MailTransport;
}

/**
 * The composition root: builds repositories (statements prepared once), the unit of work and the services, in
 * dependency order, and returns the services only. It holds no rules: nothing here decides anything.
 */
export function compose({ db, pack, config, logger, clock = systemClock, mail }: Infrastructure) {
  const uow = createUnitOfWork(db);
  const auditRepo = createAuditRepo(db);
  const authRepo = createAuthRepo(db);
  const usersRepo = createUsersRepo(db);
  const eventsRepo = createEventsRepo(db);
  const cohortsRepo = createCohortsRepo(db);
  const progressRepo = createProgressRepo(db);
  const variantsRepo = createVariantsRepo(db);
  const ssoRepo = createSsoRepo(db);

  const packs = new PackRegistry(pack, variantsRepo);
  const jobsRepo = createJobsRepo(db);
  const throttle = createThrottle(authRepo, clock);
  const transport = mail ?? createMailTransport(config.mail, logger);
  const messagesRepo = createMessagesRepo(db);
  const outbox = createOutbox(messagesRepo, jobsRepo, transport, clock, logger, config.publicUrl);
  const sender = {
    service: 'Packway',
    organisation: config.ORGANISATION_NAME ?? null,
    publicUrl: config.publicUrl,
  };
  const messages = createMessagesService(
    uow,
    messagesRepo,
    outbox,
    usersRepo,
    authRepo,
    ssoRepo,
    auditRepo,
    jobsRepo,
    throttle,
    clock,
    { ...sender, sso: config.sso !== undefined, localPasswords: config.localPasswords },
  );
  const auth = createAuthService(uow, config, clock, authRepo, usersRepo, auditRepo, throttle, ssoRepo);
  const sso = createSsoService(
    uow,
    config.sso,
    createOidcClient(config.sso),
    clock,
    ssoRepo,
    usersRepo,
    authRepo,
    auditRepo,
  );
  const users = createUsersService(uow, usersRepo, authRepo, auditRepo, clock, messages.invite);
  const exportBuilds = createBuildsService({
    packs,
    versions: variantsRepo,
    jobs: jobsRepo,
    cache: diskExportCache(config.dataDir, clock),
    runner: workerExportRunner(),
    clock,
    logger,
    organisationName: config.ORGANISATION_NAME ?? '',
    siteUrl: config.publicUrl,
  });
  const variants = createVariantsService(
    uow,
    variantsRepo,
    packs,
    progressRepo,
    auditRepo,
    exportBuilds.enqueuePrepare,
  );
  const audited = createAudited(uow, auditRepo, clock);
  const cohorts = createCohortsService({
    cohorts: cohortsRepo,
    packs,
    audited,
    clock,
    versionExists: variants.isPublished,
  });
  const cohortDeps = { cohorts: cohortsRepo, users: usersRepo, access: cohorts, audited, clock };
  const cohortMembership = createMembershipService(cohortDeps);
  const cohortAssignments = createAssignmentsService({ ...cohortDeps, tellAssigned: messages.assigned });
  const cohortRemovals = createRemovalsService(cohortDeps);
  const cohortMatrix = createMatrixService({ ...cohortDeps, progress: progressRepo });
  const reviewsRepo = createReviewsRepo(db);
  // Told, inside the transaction, when a learner's area becomes confirmed or stops being: reviews.onAreaChange(listener)
  // adds to it (the badges feature, tests). See src/reviews/area-watch.ts.
  const areaWatch = createAreaWatch(progressRepo);
  const ltiRepo = createLtiRepo(db);
  const ltiTokens = createJoseTokens();
  const ltiAdvantage = createLtiAdvantage();
  const ltiGrades = createLtiGrades({
    repo: ltiRepo,
    jobs: jobsRepo,
    tokens: ltiTokens,
    advantage: ltiAdvantage,
    audit: auditRepo,
    clock,
    logger,
  });
  const progress = createProgressService(
    uow,
    progressRepo,
    cohortsRepo,
    eventsRepo,
    clock,
    { submissions: reviewsRepo, watch: areaWatch },
    ltiGrades.moduleChanged,
  );
  const reviews = createReviewsService({
    uow,
    reviews: reviewsRepo,
    progress: progressRepo,
    cohorts: cohortsRepo,
    access: cohorts,
    packs,
    events: eventsRepo,
    audit: auditRepo,
    watch: areaWatch,
    clock,
    tell: ({ submission: s, outcome, decision, comment, reviewer }) =>
      messages.reviewed(
        { id: s.learnerId, email: s.learnerEmail, name: s.learnerName },
        {
          outcomeId: outcome.id,
          outcome: `${outcome.id}: ${outcome.text}`,
          decision,
          reviewer: reviewer.name,
          comment,
        },
      ),
  });
  const responses = createResponsesService(uow, createResponsesRepo(db), eventsRepo, clock);
  const formsRepo = createFormsRepo(db);
  const forms = createFormsService(uow, formsRepo, eventsRepo, clock);
  const reports = createReportsService(cohorts, cohortsRepo, usersRepo, progress, responses, forms, clock);
  const pages = createPagesService(packs, cohorts, progress, responses, forms, reports);
  const xapi = createXapiService(config, eventsRepo, createXapiRepo(db), packs, logger, clock);
  const privacy = createPrivacyService(uow, createPrivacyRepo(db), auditRepo, jobsRepo, clock);
  const audit = createAuditService(auditRepo);
  const ops = createOpsService(createOpsRepo(db), packs);
  const metrics = createMetrics(db, config.dbFile);
  const search = createSearchService(createPeopleSearchRepo(db));
  const adminHome = createAdminHomeService(uow, users, cohorts, variants, auditRepo, config.publicUrl);
  const calendar = createCalendarService(
    cohortsRepo,
    messagesRepo,
    formsRepo,
    packs,
    async (cohortId) => (await cohortsRepo.get(cohortId))?.variantVersionId ?? null,
    clock,
    config.publicUrl,
  );
  const documents = createDocumentsService({
    base: packs.base,
    versions: () => variantsRepo.versions(),
    writer: lazyOfficeWriter,
    organisationName: config.ORGANISATION_NAME ?? '',
    siteUrl: config.publicUrl,
  });
  const reminders = createReminders(uow, createRemindersRepo(db), outbox, messages, packs, clock, sender, {
    daysBefore: config.REMINDER_DAYS_BEFORE,
    digestDay: config.TRAINER_DIGEST_DAY,
    repeatWeeks: config.SELF_ASSESSMENT_REPEAT_WEEKS,
  });
  const lti = createLtiService({
    uow,
    repo: ltiRepo,
    tokens: ltiTokens,
    users: usersRepo,
    cohorts: cohortsRepo,
    audit: auditRepo,
    clock,
    async moduleExists(moduleId, cohortId) {
      const versionId =
        cohortId === null ? null : ((await cohortsRepo.get(cohortId))?.variantVersionId ?? null);
      return (await packs.forVersion(versionId)).modules.has(moduleId);
    },
    async packOf(cohortId) {
      const versionId =
        cohortId === null ? null : ((await cohortsRepo.get(cohortId))?.variantVersionId ?? null);
      return packs.forVersion(versionId);
    },
    publicUrl: config.publicUrl,
  });
  const badges = createBadgesService({
    uow,
    repo: createBadgesRepo(db),
    audit: auditRepo,
    signer: dataIntegritySigner,
    evidence: {
      async confirmedArea(learnerId, pack, areaId) {
        const c = await reviews.areaConfirmed(learnerId, areaId, pack);
        return c.confirmed
          ? c.outcomes.map((o) => ({
              outcomeId: o.id,
              confirmedAt: o.confirmedAt,
              confirmedBy: o.confirmedBy,
            }))
          : null;
      },
    },
    clock,
    jobs: jobsRepo,
    tell: (learner, badge) => messages.badgeIssued(learner, badge),
    user: (id) => usersRepo.byId(id),
    learnerPack: (learner) =>
      cohorts.packFor({ id: learner.id, email: learner.email, name: learner.name, role: learner.role }),
    publicUrl: config.publicUrl,
    organisationName: config.ORGANISATION_NAME ?? '',
  });
  reviews.onAreaChange((change) => badges.areaChanged(change));
  const ltiRoster = createLtiRosterService({
    uow,
    repo: ltiRepo,
    tokens: ltiTokens,
    roster: ltiAdvantage,
    users: usersRepo,
    cohorts: cohortsRepo,
    access: cohorts,
    audit: auditRepo,
    clock,
    logger,
  });
  const ltiRegistration = createLtiRegistration({
    uow,
    repo: ltiRepo,
    registrar: ltiAdvantage,
    audit: auditRepo,
    clock,
    logger,
    publicUrl: config.publicUrl,
    toolName: 'Packway',
    allowLoopback: config.NODE_ENV !== 'production',
  });
  const jobs = createJobRunner({
    uow,
    repo: jobsRepo,
    clock,
    logger,
    pollMs: config.JOBS_POLL_MS,
    leaseMs: config.JOBS_LEASE_MS,
    observe: metrics.jobEnded,
    handlers: [
      xapiForwarding(xapi, clock),
      sessionSweeping(auth, sso, lti),
      retention(uow, privacy, config.RETENTION_MONTHS),
      retentionErasure(uow, privacy, config.RETENTION_MONTHS),
      mailSending(uow, outbox),
      passwordResets(uow, messages),
      reminderChecks(reminders, config.REMINDER_CHECK_MINUTES),
      exportPreparing(exportBuilds),
      badgeIssuing(badges),
      ltiScores(ltiGrades),
      ltiRosterSync(ltiRoster),
    ],
  });

  return {
    packs,
    auth,
    sso,
    users,
    variants,
    /** Files made from a pack version off the request thread (the trainer's pack). */
    exportBuilds,
    cohorts,
    cohortMembership,
    cohortAssignments,
    cohortRemovals,
    cohortMatrix,
    progress,
    reviews,
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
    jobs,
    messages,
    outbox,
    reminders,
    calendar,
    documents,
    /** LTI 1.3: platforms, Packway's keys, launches. */
    lti,
    /** Open Badges 3.0 credentials per learning area: issuing, revoking, checking. */
    badges,
    /** LTI Names and Role Provisioning: cohorts that follow their LMS course's members. */
    ltiRoster,
    /** LTI Dynamic Registration, and Packway's Canvas developer key. */
    ltiRegistration,
    /** How messages leave (closed at shutdown). */
    mail: transport,
  };
}

export type Services = ReturnType<typeof compose>;
