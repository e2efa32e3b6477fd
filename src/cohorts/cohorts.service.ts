import type { Actor } from '../shared/actor';
import type { UnitOfWork } from '../db/ports';
import type { AuditRepo } from '../audit/audit.repo';
import type { PackRegistry } from '../content/registry';
import type { Pack } from '../content/types';
import type { ProgressRepo, OutcomeStatus } from '../progress/progress.repo';
import { Conflict, Forbidden, Invalid, NotFound } from '../shared/errors';
import type { UserRecord, UsersRepo } from '../users/users.repo';
import type { Cohort, CohortMember, CohortPerson, CohortsRepo } from './cohorts.repo';
import {
  today,
  type AssignmentInput,
  type CohortDetails,
  type CohortInput,
  type MembersInput,
} from './cohorts.schema';

type User = Actor;

export type AssignmentStatus = 'not_started' | 'in_progress' | 'completed' | 'overdue';

export function assignmentStatus(progress: string | null, dueOn: string, on = today()): AssignmentStatus {
  if (progress === 'completed') return 'completed';
  if (dueOn < on) return 'overdue';
  return progress === 'in_progress' ? 'in_progress' : 'not_started';
}

export interface MatrixLearner {
  id: number;
  email: string;
  name: string;
  outcomes: Record<string, OutcomeStatus>;
  completedModules: string[];
  modules: Record<string, AssignmentStatus>;
  achieved: number;
}

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

/** Learners × outcomes (and × assigned modules) for one cohort. */
export interface CohortMatrix {
  cohort: Cohort;
  pack: Pack;
  outcomeIds: string[];
  assignments: CohortAssignment[];
  learners: MatrixLearner[];
}

export function createCohortsService(
  uow: UnitOfWork,
  cohorts: CohortsRepo,
  users: UsersRepo,
  progress: ProgressRepo,
  audit: AuditRepo,
  packs: PackRegistry,
  versionExists: (versionId: number) => boolean,
) {
  function list(user: User) {
    return user.role === 'admin' ? cohorts.listAll() : cohorts.listForTrainer(user.id);
  }

  /** A cohort the user may manage: its trainers and any admin. Others get 404, so ids are not probed. */
  function manageable(cohortId: number, user: User): Cohort {
    const cohort = Number.isInteger(cohortId) ? cohorts.get(cohortId) : undefined;
    if (!cohort) throw new NotFound('No such cohort');
    if (user.role === 'admin') return cohort;
    if (user.role === 'trainer' && cohorts.isTrainer(cohortId, user.id)) return cohort;
    if (user.role === 'learner') throw new Forbidden();
    throw new NotFound('No such cohort');
  }

  /**
   * The pack a person sees: with a cohort named, that cohort's pinned variant (if they may see the cohort: its
   * learners, its trainers, any admin); otherwise a learner's latest cohort's variant, and the base pack for staff.
   */
  function packFor(user: User, cohortId?: number): Pack {
    if (cohortId !== undefined) {
      const cohort = Number.isInteger(cohortId) && cohortId > 0 ? cohorts.get(cohortId) : undefined;
      if (!cohort) throw new NotFound('No such cohort');
      const allowed =
        user.role === 'admin' ||
        (user.role === 'trainer' && cohorts.isTrainer(cohortId, user.id)) ||
        (user.role === 'learner' && cohorts.isMember(cohortId, user.id));
      if (!allowed) throw new Forbidden('You are not part of that cohort');
      return packOf(cohort);
    }
    return user.role === 'learner' ? packs.forVersion(cohorts.latestVersionForLearner(user.id)) : packs.base;
  }

  function packOf(cohort: Cohort): Pack {
    return packs.forVersion(cohort.variantVersionId);
  }

  function create(data: CohortInput, user: User): Cohort {
    if (data.variantId !== null && !versionExists(data.variantId)) {
      throw new Invalid([{ field: 'variantId', message: 'Choose a published variant version' }]);
    }
    const id = uow.run(() => {
      const newId = cohorts.create(data.name, data.description, data.variantId, user.id);
      if (user.role === 'trainer') cohorts.addTrainer(newId, user.id);
      audit.record({
        actorId: user.id,
        actorEmail: user.email,
        action: 'cohort.create',
        target: `cohort:${newId}`,
        detail: data.name,
      });
      return newId;
    });
    return cohorts.get(id)!;
  }

  function update(cohortId: number, data: CohortDetails, user: User): void {
    manageable(cohortId, user);
    cohorts.update(cohortId, data.name, data.description);
  }

  function pin(cohortId: number, versionId: number | null, user: User): void {
    manageable(cohortId, user);
    if (versionId !== null && !versionExists(versionId))
      throw new Invalid([{ field: 'variantId', message: 'Choose a published variant version' }]);
    uow.run(() => {
      cohorts.setVariant(cohortId, versionId);
      audit.record({
        actorId: user.id,
        actorEmail: user.email,
        action: 'cohort.pin',
        target: `cohort:${cohortId}`,
        detail: versionId ? `version ${versionId}` : 'base pack',
      });
    });
  }

  /** Enrols learners by email or id: all or nothing, with every unknown or unsuitable entry listed. */
  function enrol(
    cohortId: number,
    data: MembersInput,
    user: User,
  ): { added: number; alreadyMembers: number } {
    manageable(cohortId, user);
    const field = 'emails' in data ? 'emails' : 'userIds';
    const keys: string[] = 'emails' in data ? data.emails : data.userIds.map(String);
    const seen = new Set<string>();
    const found: { key: string; index: number; row: UserRecord | undefined }[] = [];
    keys.forEach((key, index) => {
      if (seen.has(key)) return;
      seen.add(key);
      found.push({ key, index, row: 'emails' in data ? users.byEmail(key) : users.byId(Number(key)) });
    });
    // One message for an unknown, non-learner or disabled account, so enrolment cannot be used to learn roles.
    const problems = found
      .filter(({ row }) => !row || row.role !== 'learner' || row.disabled)
      .map(({ key, index }) => ({
        field: `${field}.${index}`,
        message: `${key}: not a learner you can enrol`,
      }));
    if (problems.length) throw new Invalid(problems, 'Nobody was enrolled: fix the entries listed');
    return uow.run(() => {
      let added = 0;
      for (const { row } of found) if (cohorts.addMember(cohortId, row!.id)) added++;
      audit.record({
        actorId: user.id,
        actorEmail: user.email,
        action: 'cohort.enrol',
        target: `cohort:${cohortId}`,
        detail: `${added} added`,
      });
      return { added, alreadyMembers: found.length - added };
    });
  }

  function removeMember(cohortId: number, memberId: number, user: User): void {
    manageable(cohortId, user);
    if (!cohorts.removeMember(cohortId, memberId)) throw new NotFound('That person is not in this cohort');
  }

  function addTrainer(cohortId: number, email: string, user: User): void {
    manageable(cohortId, user);
    const row = users.byEmail(email.trim());
    if (!row || row.role === 'learner' || row.disabled) {
      throw new Invalid([
        { field: 'trainerEmail', message: 'Enter the email address of a trainer or admin' },
      ]);
    }
    cohorts.addTrainer(cohortId, row.id);
  }

  function removeTrainer(cohortId: number, trainerId: number, user: User): void {
    manageable(cohortId, user);
    if (cohorts.trainers(cohortId).length <= 1) throw new Conflict('A cohort needs at least one trainer');
    cohorts.removeTrainer(cohortId, trainerId);
  }

  function assign(cohortId: number, data: AssignmentInput, user: User): number {
    const cohort = manageable(cohortId, user);
    const pack = packOf(cohort);
    const problems = [];
    if (!pack.modules.has(data.moduleId))
      problems.push({ field: 'moduleId', message: 'Choose a module of this cohort’s pack' });
    if (data.dueAt < today())
      problems.push({ field: 'dueAt', message: 'Due date must be today or in the future' });
    if (problems.length) throw new Invalid(problems);
    return cohorts.upsertAssignment(cohortId, data.moduleId, data.dueAt);
  }

  /** Moves an assignment's due date (`dueAt`: a day, `YYYY-MM-DD`). */
  function changeAssignment(cohortId: number, assignmentId: number, dueAt: string, user: User): void {
    manageable(cohortId, user);
    if (!cohorts.assignment(cohortId, assignmentId)) throw new NotFound('No such assignment');
    if (dueAt < today())
      throw new Invalid([{ field: 'dueAt', message: 'Due date must be today or in the future' }]);
    cohorts.updateAssignment(cohortId, assignmentId, dueAt);
  }

  function removeAssignment(cohortId: number, assignmentId: number, user: User): void {
    manageable(cohortId, user);
    if (!cohorts.deleteAssignment(cohortId, assignmentId)) throw new NotFound('No such assignment');
  }

  function detail(cohortId: number, user: User): CohortDetail {
    const cohort = manageable(cohortId, user);
    const pack = packOf(cohort);
    const assignments = cohorts.assignments(cohortId).map((a) => ({
      id: a.id,
      moduleId: a.moduleId,
      title: pack.modules.get(a.moduleId)?.title ?? a.moduleId,
      dueAt: a.dueOn,
    }));
    return {
      cohort,
      pack,
      members: cohorts.members(cohortId),
      trainers: cohorts.trainers(cohortId),
      assignments,
    };
  }

  /** Learners × outcomes in two queries, however large the cohort. */
  function matrix(cohortId: number, user: User): CohortMatrix {
    const { cohort, pack, members, assignments } = detail(cohortId, user);
    const outcomeIds = pack.areas.flatMap((a) => a.outcomes.map((o) => o.id));
    const byUser = new Map<number, MatrixLearner>();
    for (const m of members) {
      byUser.set(m.id, {
        id: m.id,
        email: m.email,
        name: m.name,
        outcomes: {},
        completedModules: [],
        modules: {},
        achieved: 0,
      });
    }
    for (const [userId, statuses] of progress.cohortOutcomes(cohortId)) {
      const learner = byUser.get(userId);
      if (!learner) continue;
      learner.outcomes = statuses;
      for (const id in statuses) if (statuses[id] === 'achieved') learner.achieved++;
    }
    const moduleState = new Map<string, string>();
    for (const m of progress.cohortModules(cohortId)) moduleState.set(`${m.userId}|${m.moduleId}`, m.status);
    const on = today();
    for (const learner of byUser.values()) {
      for (const id of outcomeIds) learner.outcomes[id] ??= 'not_started';
      for (const a of assignments) {
        const status = assignmentStatus(moduleState.get(`${learner.id}|${a.moduleId}`) ?? null, a.dueAt, on);
        learner.modules[a.moduleId] = status;
        if (status === 'completed') learner.completedModules.push(a.moduleId);
      }
    }
    return { cohort, pack, outcomeIds, assignments, learners: [...byUser.values()] };
  }

  return {
    list,
    manageable,
    packFor,
    packOf,
    create,
    update,
    pin,
    enrol,
    removeMember,
    addTrainer,
    removeTrainer,
    assign,
    changeAssignment,
    removeAssignment,
    detail,
    matrix,
  };
}
export type CohortsService = ReturnType<typeof createCohortsService>;
