import type { Actor } from '../shared/actor';
import { Invalid } from '../shared/errors';
import type { UserRecord, UsersRepo } from '../users/users.repo';
import type { Audited } from './audited';
import type { CohortPerson, CohortsRepo } from './cohorts.repo';
import type { CohortAccess } from './cohorts.service';
import type { MembersInput } from './cohorts.schema';

export interface MembershipDeps {
  cohorts: CohortsRepo;
  users: UsersRepo;
  access: CohortAccess;
  audited: Audited;
}

/** An enrolment: how many joined, and how many of those named were already in the cohort. */
export interface Enrolment {
  added: number;
  alreadyMembers: number;
}

/** Who is in a cohort: enrolling learners and adding trainers (taking them out is a removal: see removals.service). */
export function createMembershipService({ cohorts, users, access, audited }: MembershipDeps) {
  /** Learners the trainer could enrol (enabled learner accounts not yet in the cohort), by name or email. */
  async function candidates(cohortId: number, q: string, user: Actor): Promise<CohortPerson[]> {
    await access.manageable(cohortId, user);
    return cohorts.candidates(cohortId, q, 200);
  }

  /** Enrols learners by email or id: all or nothing, with every unknown or unsuitable entry listed. */
  async function enrol(cohortId: number, data: MembersInput, user: Actor): Promise<Enrolment> {
    await access.manageable(cohortId, user);
    const field = 'emails' in data ? 'emails' : 'userIds';
    const keys: string[] = 'emails' in data ? data.emails : data.userIds.map(String);
    const seen = new Set<string>();
    const unique: { key: string; index: number }[] = [];
    keys.forEach((key, index) => {
      if (seen.has(key)) return;
      seen.add(key);
      unique.push({ key, index });
    });
    const found: { key: string; index: number; row: UserRecord | undefined }[] = await Promise.all(
      unique.map(async ({ key, index }) => ({
        key,
        index,
        row: 'emails' in data ? await users.byEmail(key) : await users.byId(Number(key)),
      })),
    );
    // One message for an unknown, non-learner or disabled account, so enrolment cannot be used to learn roles.
    const problems = found
      .filter(({ row }) => !row || row.role !== 'learner' || row.disabled)
      .map(({ key, index }) => ({
        field: `${field}.${index}`,
        message: `${key}: not a learner you can enrol`,
      }));
    if (problems.length) throw new Invalid(problems, 'Nobody was enrolled: fix the entries listed');
    return audited(
      user,
      'cohort.enrol',
      cohortId,
      async () => {
        let added = 0;
        for (const { row } of found) if (await cohorts.addMember(cohortId, row!.id)) added++;
        return { added, alreadyMembers: found.length - added };
      },
      (r) => `${r.added} added`,
    );
  }

  /** Makes a trainer or admin, named by email, a trainer of the cohort; answers who. */
  async function addTrainer(cohortId: number, email: string, user: Actor): Promise<CohortPerson> {
    await access.manageable(cohortId, user);
    const row = await users.byEmail(email.trim());
    if (!row || row.role === 'learner' || row.disabled) {
      throw new Invalid([
        { field: 'trainerEmail', message: 'Enter the email address of a trainer or admin' },
      ]);
    }
    await audited(
      user,
      'cohort.add_trainer',
      cohortId,
      () => cohorts.addTrainer(cohortId, row.id),
      () => `user:${row.id}`,
    );
    return { id: row.id, email: row.email, name: row.name, role: row.role, disabled: row.disabled };
  }

  return { candidates, enrol, addTrainer };
}
export type MembershipService = ReturnType<typeof createMembershipService>;
