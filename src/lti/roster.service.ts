import type { AuditRepo } from '../audit/audit.repo';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import type { CohortsService } from '../cohorts/cohorts.service';
import type { UnitOfWork } from '../db/ports';
import type { Actor, Role } from '../shared/actor';
import { isoOf, type Clock } from '../shared/clock';
import { Conflict, Unavailable } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { UsersRepo } from '../users/users.repo';
import { ServiceUnavailable, type LtiRoster, type LtiTokens, type NrpsMember } from './lti.ports';
import type { LtiAccount, LtiRepo, Platform, RosterContext } from './lti.repo';
import { ltiRoleOf } from './lti.service';
import { currentToolKey } from './tool-key';

/** The daily job that brings every LMS course's cohort in step with the course's roster. */
export const ROSTER_KIND = 'lti.roster-sync';

/** What one sync changed. */
export interface RosterSync {
  cohortId: number;
  /** Members the platform listed (active or not). */
  listed: number;
  created: number;
  enrolled: number;
  trainersAdded: number;
  left: number;
  /** Listed people Packway could not take in: no email address, or an address it will not link. */
  skipped: number;
}

const looksLikeEmail = (v: string | undefined) => (v && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? v : null);

export interface LtiRosterDeps {
  uow: UnitOfWork;
  repo: LtiRepo;
  tokens: Pick<LtiTokens, 'newToolKey'>;
  roster: LtiRoster;
  users: UsersRepo;
  cohorts: CohortsRepo;
  access: Pick<CohortsService, 'manageable'>;
  audit: AuditRepo;
  clock: Clock;
  logger: Logger;
}

/**
 * Names and Role Provisioning Services 2.0: a cohort made from an LMS course follows the course's membership. The
 * roster is read a page at a time, each page applied in one transaction; learners the roster no longer lists (or
 * lists as inactive) leave the cohort, with their account and records kept and the time they left noted.
 */
export function createLtiRosterService(deps: LtiRosterDeps) {
  const { uow, repo, tokens, roster, users, cohorts, access, audit, clock, logger } = deps;

  /** The sync as an actor: the trainer who asked, or Packway itself (the daily job). */
  type By = { id: number | null; email: string | null; ip: string | null };
  const SYSTEM: By = { id: null, email: null, ip: null };

  const record = (by: By, action: string, target: string, detail: string) =>
    audit.record({
      actorId: by.id,
      actorEmail: by.email,
      action,
      target,
      detail: detail.slice(0, 500),
      ip: by.ip,
    });

  /** The account a listed member is: linked already, an existing account the address may link, or a new one. */
  async function accountOf(
    platform: Platform,
    member: NrpsMember,
    role: Role,
    by: By,
    sync: RosterSync,
  ): Promise<LtiAccount | null> {
    const linked = await repo.accountByIdentity(platform.issuer, member.userId);
    if (linked) return linked;
    const email = looksLikeEmail(member.email);
    if (!email) return null;
    const now = clock.now();
    const existing = await repo.accountByEmail(email, platform.issuer);
    if (existing) {
      // the launch's linking rules: an address the platform is trusted for, an account not linked there already,
      // and never an administrator who signs in with a password
      const may =
        platform.trustEmail &&
        existing.subjectAtIssuer === null &&
        !(existing.role === 'admin' && existing.hasPassword);
      if (!may) return null;
      await repo.link(existing.id, platform.issuer, member.userId, now);
      await record(by, 'lti.linked', `user:${existing.id}`, `${platform.name} (${platform.issuer}), roster`);
      return existing;
    }
    const name =
      member.name || [member.givenName, member.familyName].filter(Boolean).join(' ') || email.split('@')[0];
    const id = await users.insert({ email, name, role, passwordHash: null }, isoOf(clock));
    await repo.link(id, platform.issuer, member.userId, now);
    await record(
      by,
      'lti.account-created',
      `user:${id}`,
      `${role}, ${platform.name} (${platform.issuer}), roster`,
    );
    sync.created++;
    return { id, email, name, role, disabled: false, hasPassword: false, subjectAtIssuer: member.userId };
  }

  /** One listed member applied: enrolled as a learner, or a trainer of the cohort for those who teach. */
  async function apply(
    context: RosterContext,
    platform: Platform,
    member: NrpsMember,
    by: By,
    sync: RosterSync,
    seen: Set<number>,
  ): Promise<void> {
    if (!/^active$/i.test(member.status)) return; // inactive or deleted: as good as not listed
    const lti = member.roles.map(ltiRoleOf);
    const teaches = lti.includes('instructor');
    const role: Role | null = teaches ? 'trainer' : lti.includes('learner') ? 'learner' : null;
    if (!role) return;
    const account = await accountOf(platform, member, role, by, sync);
    if (!account) {
      sync.skipped++;
      return;
    }
    seen.add(account.id);
    if (account.disabled) return;
    const target = `cohort:${context.cohortId}`;
    if (teaches && account.role !== 'learner') {
      if (await cohorts.isTrainer(context.cohortId, account.id)) return;
      await cohorts.addTrainer(context.cohortId, account.id);
      await record(by, 'cohort.add_trainer', target, `${account.email} (LMS roster)`);
      sync.trainersAdded++;
      return;
    }
    if (teaches) return; // a learner account taught in the course: a launch makes them a trainer, a roster does not
    const since = await repo.takeLeft(context.cohortId, account.id);
    if (await cohorts.addMember(context.cohortId, account.id, since ?? isoOf(clock))) {
      await record(by, 'cohort.enrol', target, `${account.email} (LMS roster${since ? ', back' : ''})`);
      sync.enrolled++;
    }
  }

  async function syncContext(context: RosterContext, by: By): Promise<RosterSync> {
    const sync: RosterSync = {
      cohortId: context.cohortId,
      listed: 0,
      created: 0,
      enrolled: 0,
      trainersAdded: 0,
      left: 0,
      skipped: 0,
    };
    const platform = await repo.platformOf(context.issuer, context.deploymentId);
    if (!platform || !context.membershipsUrl)
      throw new Conflict(
        'This cohort’s learning platform is no longer registered, so its members cannot be synced',
      );
    const key = await currentToolKey(repo, tokens, clock);
    const client = { clientId: platform.clientId, tokenUrl: platform.tokenUrl, key };
    // the ids of the accounts the roster lists: a number each, however many pages
    const seen = new Set<number>();
    try {
      for await (const page of roster.memberships(client, context.membershipsUrl, clock.now())) {
        sync.listed += page.length;
        await uow.run(async () => {
          for (const member of page) await apply(context, platform, member, by, sync, seen);
        });
      }
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      logger.warn({ err, cohortId: context.cohortId }, 'LTI roster could not be read');
      throw new Unavailable(
        'Packway could not read the course’s members from the learning platform just now. Try again in a few minutes.',
      );
    }
    await uow.run(async () => {
      const now = isoOf(clock);
      for (const member of await repo.linkedMembers(context.cohortId, context.issuer)) {
        if (seen.has(member.userId)) continue;
        await cohorts.removeMember(context.cohortId, member.userId);
        await repo.markLeft(context.cohortId, member.userId, member.addedAt, now);
        await record(
          by,
          'cohort.lms-left',
          `cohort:${context.cohortId}`,
          `${member.email} left the LMS course`,
        );
        sync.left++;
      }
      await record(
        by,
        'lti.roster-synced',
        `cohort:${context.cohortId}`,
        `${platform.name}: ${sync.listed} listed, ${sync.created} accounts made, ${sync.enrolled} enrolled, ` +
          `${sync.trainersAdded} trainers added, ${sync.left} left, ${sync.skipped} not taken in`,
      );
    });
    return sync;
  }

  /** A trainer's (or admin's) "Sync members from the LMS". */
  async function sync(actor: Actor, cohortId: number): Promise<RosterSync> {
    await access.manageable(cohortId, actor);
    const context = await repo.contextOfCohort(cohortId);
    if (!context?.membershipsUrl)
      throw new Conflict('This cohort was not made from a learning platform course that shares its members');
    return syncContext(context, { id: actor.id, email: actor.email, ip: actor.ip ?? null });
  }

  /** Whether the cohort can be synced (the page shows the button only then). */
  async function syncable(cohortId: number): Promise<boolean> {
    return Boolean((await repo.contextOfCohort(cohortId))?.membershipsUrl);
  }

  /** The daily job: every course with a roster; one that fails is logged and the others go on. */
  async function syncAll(): Promise<number> {
    let done = 0;
    for (const context of await repo.rosterContexts()) {
      try {
        await syncContext(context, SYSTEM);
        done++;
      } catch (err) {
        logger.warn({ err, cohortId: context.cohortId }, 'LTI roster sync skipped');
      }
    }
    return done;
  }

  return { sync, syncable, syncAll };
}

export type LtiRosterService = ReturnType<typeof createLtiRosterService>;
