import type { Actor } from '../shared/actor';
import type { UnitOfWork } from '../db/ports';
import type { AuditRepo } from '../audit/audit.repo';
import type { PackRegistry } from '../content/registry';
import type { Pack } from '../content/types';
import type { ProgressRepo, OutcomeStatus } from '../progress/progress.repo';
import { Conflict, Forbidden, Invalid, NotFound } from '../shared/errors';
import type { UserRecord, UsersRepo } from '../users/users.repo';
import type { Cohort, CohortMember, CohortPerson, CohortsRepo, RemovalPayload } from './cohorts.repo';
import {
  today,
  type AssignmentInput,
  type CohortDetails,
  type CohortInput,
  type CopyInput,
  type MembersInput,
  type ScheduleInput,
} from './cohorts.schema';

/** How long a removal can be undone from the manage page. */
export const UNDO_HOURS = 24;

/** `YYYY-MM-DD` plus some days. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A day as people read it: 3 March 2027. */
function longDate(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

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
  /** Outcomes in progress (not achieved). */
  inProgress: number;
  /** Assigned modules past their due date and not completed. */
  overdue: number;
  lastSignedInAt: Date | null;
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
  /** The cohorts the person runs (every cohort, for an admin): active ones, or with `archived` the archived ones. */
  function list(user: User, archived = false) {
    return user.role === 'admin' ? cohorts.listAll(archived) : cohorts.listForTrainer(user.id, archived);
  }

  function record(user: User, action: string, cohortId: number, detail: string) {
    audit.record({
      actorId: user.id,
      actorEmail: user.email,
      action,
      target: `cohort:${cohortId}`,
      detail,
    });
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

  /** Renames a cohort or changes its description; answers what changed, in words. */
  function update(cohortId: number, data: CohortDetails, user: User): string {
    const before = manageable(cohortId, user);
    const changes: string[] = [];
    if (before.name !== data.name) changes.push(`Renamed “${before.name}” to “${data.name}”`);
    if (before.description !== data.description)
      changes.push(data.description ? 'Description updated' : 'Description removed');
    if (!changes.length) return 'Nothing changed';
    uow.run(() => {
      cohorts.update(cohortId, data.name, data.description);
      record(user, 'cohort.update', cohortId, changes.join('; '));
    });
    return changes.join('. ');
  }

  /** Archives a cohort (hidden from the default list; its learners no longer see its assignments) or restores it. */
  function setArchived(cohortId: number, archived: boolean, user: User): Cohort {
    const cohort = manageable(cohortId, user);
    if ((cohort.archivedAt !== null) === archived) return cohort;
    uow.run(() => {
      cohorts.setArchived(cohortId, archived ? new Date().toISOString() : null);
      record(user, archived ? 'cohort.archive' : 'cohort.restore', cohortId, cohort.name);
    });
    return cohorts.get(cohortId)!;
  }

  /** A new cohort like this one: same pack and trainers, and if asked the same learners and assignments. */
  function copy(
    cohortId: number,
    data: CopyInput,
    user: User,
  ): { cohort: Cohort; members: number; assignments: number } {
    const source = manageable(cohortId, user);
    const withMembers = data.include.includes('members');
    const withAssignments = data.include.includes('assignments');
    const on = today();
    return uow.run(() => {
      const id = cohorts.create(data.name, source.description, source.variantVersionId, user.id);
      for (const t of cohorts.trainers(cohortId)) cohorts.addTrainer(id, t.id);
      if (user.role === 'trainer') cohorts.addTrainer(id, user.id);
      let members = 0;
      let assignments = 0;
      if (withMembers)
        for (const m of cohorts.members(cohortId)) if (!m.disabled && cohorts.addMember(id, m.id)) members++;
      if (withAssignments)
        for (const a of cohorts.assignments(cohortId)) {
          cohorts.upsertAssignment(id, a.moduleId, a.dueOn < on ? on : a.dueOn);
          assignments++;
        }
      record(
        user,
        'cohort.copy',
        id,
        `copy of cohort:${cohortId} (${members} learners, ${assignments} modules)`,
      );
      return { cohort: cohorts.get(id)!, members, assignments };
    });
  }

  /** Learners the trainer could enrol (enabled learner accounts not yet in the cohort), by name or email. */
  function candidates(cohortId: number, q: string, user: User): CohortPerson[] {
    manageable(cohortId, user);
    return cohorts.candidates(cohortId, q, 200);
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

  /** Removes a learner from the cohort (their work is kept); answers their name. The removal can be undone. */
  function removeMember(cohortId: number, memberId: number, user: User): string {
    manageable(cohortId, user);
    const joined = cohorts.memberSince(cohortId, memberId);
    if (!joined) throw new NotFound('That person is not in this cohort');
    const name = users.byId(memberId)?.name ?? 'The learner';
    uow.run(() => {
      cohorts.removeMember(cohortId, memberId);
      cohorts.recordRemoval(
        cohortId,
        { kind: 'member', userId: memberId, addedAt: joined.toISOString() },
        user.id,
      );
      record(user, 'cohort.remove_member', cohortId, `user:${memberId}`);
    });
    return name;
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

  function removeTrainer(cohortId: number, trainerId: number, user: User): string {
    manageable(cohortId, user);
    const trainers = cohorts.trainers(cohortId);
    const trainer = trainers.find((t) => t.id === trainerId);
    if (!trainer) throw new NotFound('That person is not a trainer of this cohort');
    if (trainers.length <= 1) throw new Conflict('A cohort needs at least one trainer');
    uow.run(() => {
      cohorts.removeTrainer(cohortId, trainerId);
      cohorts.recordRemoval(cohortId, { kind: 'trainer', userId: trainerId }, user.id);
      record(user, 'cohort.remove_trainer', cohortId, `user:${trainerId}`);
    });
    return trainer.name;
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

  /** Takes a module off the cohort; answers its title. The removal can be undone. */
  function removeAssignment(cohortId: number, assignmentId: number, user: User): string {
    const cohort = manageable(cohortId, user);
    const a = cohorts.assignment(cohortId, assignmentId);
    if (!a) throw new NotFound('No such assignment');
    uow.run(() => {
      cohorts.deleteAssignment(cohortId, assignmentId);
      cohorts.recordRemoval(cohortId, { kind: 'assignment', moduleId: a.moduleId, dueOn: a.dueOn }, user.id);
      record(user, 'cohort.unassign', cohortId, a.moduleId);
    });
    return packOf(cohort).modules.get(a.moduleId)?.title ?? a.moduleId;
  }

  function describeRemoval(p: RemovalPayload, pack: Pack): string {
    if (p.kind === 'assignment') return `${pack.modules.get(p.moduleId)?.title ?? p.moduleId} (module)`;
    const name = users.byId(p.userId)?.name ?? 'A former account';
    return p.kind === 'trainer' ? `${name} (trainer)` : `${name} (learner)`;
  }

  /** What was taken out of the cohort in the last day and can be put back. */
  function recentRemovals(cohortId: number, user: User): { id: number; text: string; removedAt: Date }[] {
    const cohort = manageable(cohortId, user);
    const pack = packOf(cohort);
    const since = new Date(Date.now() - UNDO_HOURS * 3600_000).toISOString();
    return cohorts
      .removals(cohortId, since)
      .map((r) => ({ id: r.id, text: describeRemoval(r.payload, pack), removedAt: r.removedAt }));
  }

  /** Puts back what a removal took out (a learner keeps their original joining date); answers what, in words. */
  function undoRemoval(cohortId: number, removalId: number, user: User): string {
    const cohort = manageable(cohortId, user);
    const r = Number.isInteger(removalId) ? cohorts.removal(cohortId, removalId) : undefined;
    if (!r || r.undone || r.removedAt.getTime() < Date.now() - UNDO_HOURS * 3600_000)
      throw new NotFound('That removal can no longer be undone');
    const p = r.payload;
    const pack = packOf(cohort);
    if (p.kind !== 'assignment') {
      const person = users.byId(p.userId);
      if (!person || person.disabled) throw new Conflict('That account has been disabled or deleted');
    }
    uow.run(() => {
      if (p.kind === 'member') cohorts.addMember(cohortId, p.userId, p.addedAt);
      else if (p.kind === 'trainer') cohorts.addTrainer(cohortId, p.userId);
      else cohorts.upsertAssignment(cohortId, p.moduleId, p.dueOn);
      cohorts.markUndone(r.id);
      record(user, 'cohort.undo_removal', cohortId, p.kind);
    });
    const what = describeRemoval(p, pack).replace(/ \((module|trainer|learner)\)$/, '');
    return p.kind === 'assignment'
      ? `“${what}” is assigned again, due ${longDate(p.dueOn)}`
      : p.kind === 'trainer'
        ? `${what} is a trainer of this cohort again`
        : `${what} is back in the cohort`;
  }

  /** Assigns several modules: the first due on `startOn`, each next (in the pack's order) `everyDays` later. */
  function assignMany(cohortId: number, data: ScheduleInput, user: User): { title: string; dueAt: string }[] {
    const cohort = manageable(cohortId, user);
    const pack = packOf(cohort);
    const order = new Map([...pack.modules.keys()].map((id, i) => [id, i]));
    const unknown = data.moduleIds.filter((id) => !order.has(id));
    const problems = [];
    if (unknown.length)
      problems.push({ field: 'moduleIds', message: 'Choose modules of this cohort’s pack' });
    if (data.startOn < today())
      problems.push({ field: 'startOn', message: 'The first due date must be today or in the future' });
    if (problems.length) throw new Invalid(problems);
    const ids = [...new Set(data.moduleIds)].sort((a, b) => order.get(a)! - order.get(b)!);
    const planned = ids.map((id, i) => ({
      moduleId: id,
      title: pack.modules.get(id)!.title,
      dueAt: addDays(data.startOn, i * data.everyDays),
    }));
    uow.run(() => {
      for (const p of planned) cohorts.upsertAssignment(cohortId, p.moduleId, p.dueAt);
      record(user, 'cohort.assign', cohortId, planned.map((p) => `${p.moduleId}@${p.dueAt}`).join(' '));
    });
    return planned;
  }

  /** Moves every due date by `days` (negative: earlier); refuses to move a date that is not yet past into the past. */
  function shiftDueDates(cohortId: number, days: number, user: User): { moved: number; first?: string } {
    manageable(cohortId, user);
    const list = cohorts.assignments(cohortId);
    if (!list.length) throw new Invalid([{ field: 'days', message: 'There are no due dates to move' }]);
    const on = today();
    const wouldPass = list.filter((a) => a.dueOn >= on && addDays(a.dueOn, days) < on);
    if (wouldPass.length)
      throw new Invalid([
        {
          field: 'days',
          message: `That would put ${wouldPass.length === 1 ? 'a due date' : `${wouldPass.length} due dates`} in the past: move them fewer days earlier`,
        },
      ]);
    const moved = uow.run(() => {
      const n = cohorts.shiftAssignments(cohortId, days);
      record(user, 'cohort.shift_due_dates', cohortId, `${days} days`);
      return n;
    });
    const first = cohorts.assignments(cohortId)[0]?.dueOn;
    return { moved, first };
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
        inProgress: 0,
        overdue: 0,
        lastSignedInAt: m.lastSignedInAt,
      });
    }
    for (const [userId, statuses] of progress.cohortOutcomes(cohortId)) {
      const learner = byUser.get(userId);
      if (!learner) continue;
      learner.outcomes = statuses;
      for (const id in statuses) {
        if (statuses[id] === 'achieved') learner.achieved++;
        else if (statuses[id] === 'in_progress') learner.inProgress++;
      }
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
        else if (status === 'overdue') learner.overdue++;
      }
    }
    return { cohort, pack, outcomeIds, assignments, learners: [...byUser.values()] };
  }

  /**
   * One learner's evidence for one outcome, for the cell of the matrix that was clicked. As with the learning record,
   * a trainer sees only what was written since the learner joined this cohort; admins see it all.
   */
  function outcomeEvidence(cohortId: number, learnerId: number, outcomeId: string, user: User) {
    const cohort = manageable(cohortId, user);
    const joined = Number.isInteger(learnerId) ? cohorts.memberSince(cohortId, learnerId) : undefined;
    if (!joined) throw new NotFound('That person is not in this cohort');
    const learner = users.byId(learnerId);
    if (!learner) throw new NotFound('No such learner');
    const pack = packOf(cohort);
    const area = pack.areas.find((a) => a.outcomes.some((o) => o.id === outcomeId));
    const outcome = area?.outcomes.find((o) => o.id === outcomeId);
    if (!area || !outcome) throw new NotFound('No such outcome in this cohort’s pack');
    const since = user.role === 'admin' ? null : joined;
    const visible = (at: Date) => !since || at >= since;
    const current = progress.outcome(learnerId, outcomeId);
    const shown = current && visible(current.updatedAt) ? current : undefined;
    const history = progress.history(learnerId, outcomeId).filter((h) => visible(h.changedAt));
    const done = new Map(progress.modules(learnerId).map((m) => [m.moduleId, m]));
    const modules = [...pack.modules.values()]
      .filter((m) => m.outcomes.includes(outcomeId))
      .map((m) => {
        const p = done.get(m.id);
        const at = p?.completedAt ?? p?.startedAt;
        return {
          id: m.id,
          title: m.title,
          status: p && at && visible(at) ? p.status : ('not_started' as const),
        };
      });
    return {
      cohort,
      learner: { id: learner.id, name: learner.name, email: learner.email },
      area: { id: area.id, title: area.title },
      outcome: { id: outcome.id, text: outcome.text },
      status: shown?.status ?? (current && !shown ? current.status : 'not_started'),
      evidence: shown?.evidence ?? '',
      updatedAt: shown?.updatedAt ?? null,
      hiddenBefore: since,
      history,
      modules,
    };
  }

  return {
    list,
    setArchived,
    copy,
    candidates,
    recentRemovals,
    undoRemoval,
    assignMany,
    shiftDueDates,
    outcomeEvidence,
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
