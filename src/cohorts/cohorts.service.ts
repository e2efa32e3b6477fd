import type { Actor } from '../shared/actor';
import { todayOf, type Clock } from '../shared/clock';
import type { PackRegistry } from '../content/registry';
import type { Pack } from '../content/types';
import { Forbidden, Invalid, NotFound } from '../shared/errors';
import type { Audited } from './audited';
import type { Cohort, CohortMember, CohortPerson, CohortsRepo } from './cohorts.repo';
import type { CohortDetails, CohortInput, CopyInput } from './cohorts.schema';

/** A cohort's assignment as its pages show it: with the module's title in the cohort's pack. */
export interface CohortAssignment {
  id: number;
  moduleId: string;
  title: string;
  /** A day, `YYYY-MM-DD`. */
  dueAt: string;
}

export interface CohortDetail {
  cohort: Cohort;
  pack: Pack;
  members: CohortMember[];
  trainers: CohortPerson[];
  assignments: CohortAssignment[];
}

/** What a change of details did: the old and new name when renamed, and what became of the description. */
export interface DetailsChange {
  cohort: Cohort;
  renamed: { from: string; to: string } | null;
  description: 'updated' | 'removed' | null;
}

/** A copy made: the new cohort, and how many learners and assignments it was given. */
export interface CohortCopy {
  cohort: Cohort;
  members: number;
  assignments: number;
}

export interface CohortsDeps {
  cohorts: CohortsRepo;
  packs: PackRegistry;
  audited: Audited;
  clock: Clock;
  versionExists: (versionId: number) => boolean | Promise<boolean>;
}

/** The assignments of a cohort, titled in its pack. */
export function titled(
  list: readonly { id: number; moduleId: string; dueOn: string }[],
  pack: Pack,
): CohortAssignment[] {
  return list.map((a) => ({
    id: a.id,
    moduleId: a.moduleId,
    title: pack.modules.get(a.moduleId)?.title ?? a.moduleId,
    dueAt: a.dueOn,
  }));
}

/**
 * A cohort's life: who may manage it and which pack it sees, creating, renaming, archiving, copying and pinning it
 * to a variant version. The other cohort services (membership, assignments, removals, the matrix) ask this one
 * whether a person may manage a cohort, and for its pack.
 */
export function createCohortsService({ cohorts, packs, audited, clock, versionExists }: CohortsDeps) {
  /** The cohorts the person runs (every cohort, for an admin): active ones, or with `archived` the archived ones. */
  async function list(user: Actor, archived = false) {
    return user.role === 'admin'
      ? await cohorts.listAll(archived)
      : await cohorts.listForTrainer(user.id, archived);
  }

  /** A cohort the user may manage: its trainers and any admin. Others get 404, so ids are not probed. */
  async function manageable(cohortId: number, user: Actor): Promise<Cohort> {
    const cohort = Number.isInteger(cohortId) ? await cohorts.get(cohortId) : undefined;
    if (!cohort) throw new NotFound('No such cohort');
    if (user.role === 'admin') return cohort;
    if (user.role === 'trainer' && (await cohorts.isTrainer(cohortId, user.id))) return cohort;
    if (user.role === 'learner') throw new Forbidden();
    throw new NotFound('No such cohort');
  }

  /**
   * The variant version a person sees (null: the built-in pack): with a cohort named, that cohort's pinned version (if
   * they may see the cohort: its learners, its trainers, any admin); otherwise a learner's latest cohort's, and the
   * built-in pack for staff.
   */
  async function versionFor(user: Actor, cohortId?: number): Promise<number | null> {
    if (cohortId !== undefined) {
      const cohort = Number.isInteger(cohortId) && cohortId > 0 ? await cohorts.get(cohortId) : undefined;
      if (!cohort) throw new NotFound('No such cohort');
      const allowed =
        user.role === 'admin' ||
        (user.role === 'trainer' && (await cohorts.isTrainer(cohortId, user.id))) ||
        (user.role === 'learner' && (await cohorts.isMember(cohortId, user.id)));
      if (!allowed) throw new Forbidden('You are not part of that cohort');
      return cohort.variantVersionId || null;
    }
    if (user.role !== 'learner') return null;
    const pinned =
      user.pinnedVersionId !== undefined
        ? user.pinnedVersionId
        : await cohorts.latestVersionForLearner(user.id);
    return pinned || null;
  }

  /** The pack a person sees (see versionFor). */
  async function packFor(user: Actor, cohortId?: number): Promise<Pack> {
    return packs.forVersion(await versionFor(user, cohortId));
  }

  /** The cohort's pinned pack (a stored variant version is read from the database). */
  async function packOf(cohort: Cohort): Promise<Pack> {
    return await packs.forVersion(cohort.variantVersionId);
  }

  async function create(data: CohortInput, user: Actor): Promise<Cohort> {
    if (data.variantId !== null && !(await versionExists(data.variantId))) {
      throw new Invalid([{ field: 'variantId', message: 'Choose a published variant version' }]);
    }
    const id = await audited(
      user,
      'cohort.create',
      (newId) => newId,
      async (now: string) => {
        const newId = await cohorts.create(data.name, data.description, data.variantId, user.id, now);
        if (user.role === 'trainer') await cohorts.addTrainer(newId, user.id);
        return newId;
      },
      () => data.name,
    );
    return (await cohorts.get(id))!;
  }

  /** Renames a cohort or changes its description; answers what changed (nothing, when nothing did). */
  async function update(cohortId: number, data: CohortDetails, user: Actor): Promise<DetailsChange> {
    const before = await manageable(cohortId, user);
    const change: DetailsChange = {
      cohort: { ...before, name: data.name, description: data.description },
      renamed: before.name !== data.name ? { from: before.name, to: data.name } : null,
      description: before.description === data.description ? null : data.description ? 'updated' : 'removed',
    };
    if (!change.renamed && !change.description) return { ...change, cohort: before };
    const words = [
      ...(change.renamed ? [`Renamed “${change.renamed.from}” to “${change.renamed.to}”`] : []),
      ...(change.description ? [`Description ${change.description}`] : []),
    ];
    await audited(
      user,
      'cohort.update',
      cohortId,
      () => cohorts.update(cohortId, data.name, data.description),
      () => words.join('; '),
    );
    return change;
  }

  /** Archives a cohort (hidden from the default list; its learners no longer see its assignments) or restores it. */
  async function setArchived(cohortId: number, archived: boolean, user: Actor): Promise<Cohort> {
    const cohort = await manageable(cohortId, user);
    if ((cohort.archivedAt !== null) === archived) return cohort;
    await audited(
      user,
      archived ? 'cohort.archive' : 'cohort.restore',
      cohortId,
      (now) => cohorts.setArchived(cohortId, archived ? now : null),
      () => cohort.name,
    );
    return (await cohorts.get(cohortId))!;
  }

  /** A new cohort like this one: same pack and trainers, and if asked the same learners and assignments. */
  async function copy(cohortId: number, data: CopyInput, user: Actor): Promise<CohortCopy> {
    const source = await manageable(cohortId, user);
    const withMembers = data.include.includes('members');
    const withAssignments = data.include.includes('assignments');
    const on = todayOf(clock);
    const made = await audited(
      user,
      'cohort.copy',
      (r) => r.id,
      async (now: string) => {
        const id = await cohorts.create(data.name, source.description, source.variantVersionId, user.id, now);
        for (const t of await cohorts.trainers(cohortId)) await cohorts.addTrainer(id, t.id);
        if (user.role === 'trainer') await cohorts.addTrainer(id, user.id);
        let members = 0;
        let assignments = 0;
        if (withMembers)
          for (const m of await cohorts.members(cohortId))
            if (!m.disabled && (await cohorts.addMember(id, m.id, now))) members++;
        if (withAssignments)
          for (const a of await cohorts.assignments(cohortId)) {
            await cohorts.upsertAssignment(id, a.moduleId, a.dueOn < on ? on : a.dueOn, now);
            assignments++;
          }
        return { id, members, assignments };
      },
      (r) => `copy of cohort:${cohortId} (${r.members} learners, ${r.assignments} modules)`,
    );
    return { cohort: (await cohorts.get(made.id))!, members: made.members, assignments: made.assignments };
  }

  /** Pins the cohort to a published variant version, or (null) back to the built-in pack. */
  async function pin(cohortId: number, versionId: number | null, user: Actor): Promise<void> {
    await manageable(cohortId, user);
    if (versionId !== null && !(await versionExists(versionId)))
      throw new Invalid([{ field: 'variantId', message: 'Choose a published variant version' }]);
    await audited(
      user,
      'cohort.pin',
      cohortId,
      () => cohorts.setVariant(cohortId, versionId),
      () => (versionId ? `version ${versionId}` : 'base pack'),
    );
  }

  /** The cohort with its pack, learners, trainers and assignments: what its manage pages show. */
  async function detail(cohortId: number, user: Actor): Promise<CohortDetail> {
    const cohort = await manageable(cohortId, user);
    const [pack, list, members, trainers] = await Promise.all([
      packOf(cohort),
      cohorts.assignments(cohortId),
      cohorts.members(cohortId),
      cohorts.trainers(cohortId),
    ]);
    return { cohort, pack, members, trainers, assignments: titled(list, pack) };
  }

  return { list, manageable, versionFor, packFor, packOf, create, update, setArchived, copy, pin, detail };
}
export type CohortsService = ReturnType<typeof createCohortsService>;

/** What the other cohort services need of this one: whether a person may manage a cohort, and its pack. */
export type CohortAccess = Pick<CohortsService, 'manageable' | 'packOf'>;
