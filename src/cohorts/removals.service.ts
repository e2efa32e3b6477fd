import type { Pack } from '../content/types';
import type { Actor } from '../shared/actor';
import { Conflict, NotFound } from '../shared/errors';
import type { UsersRepo } from '../users/users.repo';
import type { Audited } from './audited';
import type { CohortPerson, CohortsRepo, RemovalPayload } from './cohorts.repo';
import type { CohortAccess } from './cohorts.service';

/** How long a removal can be undone from the manage page. */
export const UNDO_HOURS = 24;

/** What a removal took out: a person (by name, null when the account is gone) or an assignment (by title). */
export type RemovedThing =
  | { kind: 'member' | 'trainer'; userId: number; name: string | null }
  | { kind: 'assignment'; moduleId: string; title: string; dueOn: string };

/** A removal that can still be undone. */
export interface RecentRemoval {
  id: number;
  removedAt: Date;
  removed: RemovedThing;
}

export interface RemovalsDeps {
  cohorts: CohortsRepo;
  users: UsersRepo;
  access: CohortAccess;
  audited: Audited;
}

/**
 * Taking a learner, a trainer or an assignment out of a cohort, and putting it back within the undo window: each
 * removal keeps what it took out (a learner's joining date, an assignment's due day) so the undo restores it.
 */
export function createRemovalsService({ cohorts, users, access, audited }: RemovalsDeps) {
  /** Removes a learner from the cohort (their work is kept); answers who. The removal can be undone. */
  async function removeMember(
    cohortId: number,
    memberId: number,
    user: Actor,
  ): Promise<{ userId: number; name: string | null }> {
    await access.manageable(cohortId, user);
    const joined = await cohorts.memberSince(cohortId, memberId);
    if (!joined) throw new NotFound('That person is not in this cohort');
    const name = (await users.byId(memberId))?.name ?? null;
    await audited(
      user,
      'cohort.remove_member',
      cohortId,
      async () => {
        await cohorts.removeMember(cohortId, memberId);
        const payload: RemovalPayload = { kind: 'member', userId: memberId, addedAt: joined.toISOString() };
        await cohorts.recordRemoval(cohortId, payload, user.id);
      },
      () => `user:${memberId}`,
    );
    return { userId: memberId, name };
  }

  /** Removes a trainer (never the last one); answers who. The removal can be undone. */
  async function removeTrainer(cohortId: number, trainerId: number, user: Actor): Promise<CohortPerson> {
    await access.manageable(cohortId, user);
    const trainers = await cohorts.trainers(cohortId);
    const trainer = trainers.find((t) => t.id === trainerId);
    if (!trainer) throw new NotFound('That person is not a trainer of this cohort');
    if (trainers.length <= 1) throw new Conflict('A cohort needs at least one trainer');
    await audited(
      user,
      'cohort.remove_trainer',
      cohortId,
      async () => {
        await cohorts.removeTrainer(cohortId, trainerId);
        await cohorts.recordRemoval(cohortId, { kind: 'trainer', userId: trainerId }, user.id);
      },
      () => `user:${trainerId}`,
    );
    return trainer;
  }

  /** Takes a module off the cohort; answers its id and title. The removal can be undone. */
  async function removeAssignment(
    cohortId: number,
    assignmentId: number,
    user: Actor,
  ): Promise<{ moduleId: string; title: string }> {
    const cohort = await access.manageable(cohortId, user);
    const a = await cohorts.assignment(cohortId, assignmentId);
    if (!a) throw new NotFound('No such assignment');
    await audited(
      user,
      'cohort.unassign',
      cohortId,
      async () => {
        await cohorts.deleteAssignment(cohortId, assignmentId);
        const payload: RemovalPayload = { kind: 'assignment', moduleId: a.moduleId, dueOn: a.dueOn };
        await cohorts.recordRemoval(cohortId, payload, user.id);
      },
      () => a.moduleId,
    );
    return { moduleId: a.moduleId, title: titleIn(await access.packOf(cohort), a.moduleId) };
  }

  async function removedThing(p: RemovalPayload, pack: Pack): Promise<RemovedThing> {
    if (p.kind === 'assignment')
      return { kind: 'assignment', moduleId: p.moduleId, title: titleIn(pack, p.moduleId), dueOn: p.dueOn };
    return { kind: p.kind, userId: p.userId, name: (await users.byId(p.userId))?.name ?? null };
  }

  /** What was taken out of the cohort within the undo window and can be put back, newest first. */
  async function recentRemovals(cohortId: number, user: Actor): Promise<RecentRemoval[]> {
    const cohort = await access.manageable(cohortId, user);
    const since = new Date(Date.now() - UNDO_HOURS * 3600_000).toISOString();
    const [pack, removals] = await Promise.all([access.packOf(cohort), cohorts.removals(cohortId, since)]);
    return Promise.all(
      removals.map(async (r) => ({
        id: r.id,
        removedAt: r.removedAt,
        removed: await removedThing(r.payload, pack),
      })),
    );
  }

  /** Puts back what a removal took out (a learner keeps their original joining date); answers what. */
  async function undoRemoval(cohortId: number, removalId: number, user: Actor): Promise<RemovedThing> {
    const cohort = await access.manageable(cohortId, user);
    const r = Number.isInteger(removalId) ? await cohorts.removal(cohortId, removalId) : undefined;
    if (!r || r.undone || r.removedAt.getTime() < Date.now() - UNDO_HOURS * 3600_000)
      throw new NotFound('That removal can no longer be undone');
    const p = r.payload;
    const pack = await access.packOf(cohort);
    if (p.kind !== 'assignment') {
      const person = await users.byId(p.userId);
      if (!person || person.disabled) throw new Conflict('That account has been disabled or deleted');
    }
    await audited(
      user,
      'cohort.undo_removal',
      cohortId,
      async () => {
        if (p.kind === 'member') await cohorts.addMember(cohortId, p.userId, p.addedAt);
        else if (p.kind === 'trainer') await cohorts.addTrainer(cohortId, p.userId);
        else await cohorts.upsertAssignment(cohortId, p.moduleId, p.dueOn);
        await cohorts.markUndone(r.id);
      },
      () => p.kind,
    );
    return removedThing(p, pack);
  }

  return { removeMember, removeTrainer, removeAssignment, recentRemovals, undoRemoval };
}
export type RemovalsService = ReturnType<typeof createRemovalsService>;

function titleIn(pack: Pack, moduleId: string): string {
  return pack.modules.get(moduleId)?.title ?? moduleId;
}
