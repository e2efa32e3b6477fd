import { coalesced } from '../shared/coalesce';
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
  readonly outcomes: Record<string, OutcomeStatus>;
  completedModules: string[];
  modules: Record<string, AssignmentStatus>;
  readonly achieved: number;
  /** Outcomes in progress (not achieved). */
  readonly inProgress: number;
  /** Assigned modules past their due date and not completed. */
  overdue: number;
  lastSignedInAt: Date | null;
  /**
   * The statuses as the matrix query read them (`LI1=achieved,ME2=in_progress`, those not started absent), when the
   * learner comes from it: the matrix keeps a row until these change.
   */
  cells?: string;
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

/**
 * A learner's row of the matrix. Their statuses are read from `cells` (`LI1=achieved,ME2=in_progress`) into an object
 * over every outcome of the pack, in its order, only when something asks: the page keeps a row's HTML while `cells`
 * stays the same, so most requests never need them.
 */
class LearnerRow implements MatrixLearner {
  completedModules: string[] = [];
  modules: Record<string, AssignmentStatus> = {};
  overdue = 0;
  cells?: string;
  private statuses?: Record<string, OutcomeStatus>;

  constructor(
    readonly id: number,
    readonly email: string,
    readonly name: string,
    readonly lastSignedInAt: Date | null,
    private readonly notStarted: Record<string, OutcomeStatus>,
  ) {}

  get outcomes(): Record<string, OutcomeStatus> {
    return (this.statuses ??= statusesFromCells(this.cells ?? '', this.notStarted));
  }

  get achieved(): number {
    return occurrences(this.cells ?? '', '=achieved');
  }

  get inProgress(): number {
    return occurrences(this.cells ?? '', '=in_progress');
  }
}

/** How many times `what` occurs in `text`. */
function occurrences(text: string, what: string): number {
  let n = 0;
  for (let at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length)) n++;
  return n;
}

/** `LI1=achieved,ME2=in_progress` over a copy of `base` (every outcome of the pack not started, in its order). */
function statusesFromCells(
  cells: string,
  base: Record<string, OutcomeStatus>,
): Record<string, OutcomeStatus> {
  const statuses = { ...base };
  for (let from = 0; from < cells.length;) {
    const eq = cells.indexOf('=', from);
    let end = cells.indexOf(',', eq);
    if (end < 0) end = cells.length;
    statuses[cells.slice(from, eq)] = cells.slice(eq + 1, end) as OutcomeStatus;
    from = end + 1;
  }
  return statuses;
}

export function createCohortsService(
  uow: UnitOfWork,
  cohorts: CohortsRepo,
  users: UsersRepo,
  progress: ProgressRepo,
  audit: AuditRepo,
  packs: PackRegistry,
  versionExists: (versionId: number) => boolean | Promise<boolean>,
  /** Tells the cohort's learners what one scheduling action assigned (queued in its unit of work). */
  tellAssigned: (
    cohort: { id: number; name: string },
    learners: CohortMember[],
    modules: { moduleId: string; title: string; dueAt: string }[],
  ) => Promise<unknown> = async () => undefined,
) {
  /** The cohorts the person runs (every cohort, for an admin): active ones, or with `archived` the archived ones. */
  async function list(user: User, archived = false) {
    return user.role === 'admin'
      ? await cohorts.listAll(archived)
      : await cohorts.listForTrainer(user.id, archived);
  }

  async function record(user: User, action: string, cohortId: number, detail: string) {
    await audit.record({
      actorId: user.id,
      actorEmail: user.email,
      action,
      target: `cohort:${cohortId}`,
      detail,
    });
  }

  /** A cohort the user may manage: its trainers and any admin. Others get 404, so ids are not probed. */
  async function manageable(cohortId: number, user: User): Promise<Cohort> {
    const cohort = Number.isInteger(cohortId) ? await cohorts.get(cohortId) : undefined;
    if (!cohort) throw new NotFound('No such cohort');
    if (user.role === 'admin') return cohort;
    if (user.role === 'trainer' && (await cohorts.isTrainer(cohortId, user.id))) return cohort;
    if (user.role === 'learner') throw new Forbidden();
    throw new NotFound('No such cohort');
  }

  /**
   * The pack a person sees: with a cohort named, that cohort's pinned variant (if they may see the cohort: its
   * learners, its trainers, any admin); otherwise a learner's latest cohort's variant, and the base pack for staff.
   */
  async function packFor(user: User, cohortId?: number): Promise<Pack> {
    if (cohortId !== undefined) {
      const cohort = Number.isInteger(cohortId) && cohortId > 0 ? await cohorts.get(cohortId) : undefined;
      if (!cohort) throw new NotFound('No such cohort');
      const allowed =
        user.role === 'admin' ||
        (user.role === 'trainer' && (await cohorts.isTrainer(cohortId, user.id))) ||
        (user.role === 'learner' && (await cohorts.isMember(cohortId, user.id)));
      if (!allowed) throw new Forbidden('You are not part of that cohort');
      return packOf(cohort);
    }
    if (user.role !== 'learner') return packs.base;
    const pinned =
      user.pinnedVersionId !== undefined
        ? user.pinnedVersionId
        : await cohorts.latestVersionForLearner(user.id);
    return packs.forVersion(pinned);
  }

  /** The cohort's pinned pack (a stored variant version is read from the database). */
  async function packOf(cohort: Cohort): Promise<Pack> {
    return await packs.forVersion(cohort.variantVersionId);
  }

  async function create(data: CohortInput, user: User): Promise<Cohort> {
    if (data.variantId !== null && !(await versionExists(data.variantId))) {
      throw new Invalid([{ field: 'variantId', message: 'Choose a published variant version' }]);
    }
    const id = await uow.run(async () => {
      const newId = await cohorts.create(data.name, data.description, data.variantId, user.id);
      if (user.role === 'trainer') await cohorts.addTrainer(newId, user.id);
      await audit.record({
        actorId: user.id,
        actorEmail: user.email,
        action: 'cohort.create',
        target: `cohort:${newId}`,
        detail: data.name,
      });
      return newId;
    });
    return (await cohorts.get(id))!;
  }

  /** Renames a cohort or changes its description; answers what changed, in words. */
  async function update(cohortId: number, data: CohortDetails, user: User): Promise<string> {
    const before = await manageable(cohortId, user);
    const changes: string[] = [];
    if (before.name !== data.name) changes.push(`Renamed “${before.name}” to “${data.name}”`);
    if (before.description !== data.description)
      changes.push(data.description ? 'Description updated' : 'Description removed');
    if (!changes.length) return 'Nothing changed';
    await uow.run(async () => {
      await cohorts.update(cohortId, data.name, data.description);
      await record(user, 'cohort.update', cohortId, changes.join('; '));
    });
    return changes.join('. ');
  }

  /** Archives a cohort (hidden from the default list; its learners no longer see its assignments) or restores it. */
  async function setArchived(cohortId: number, archived: boolean, user: User): Promise<Cohort> {
    const cohort = await manageable(cohortId, user);
    if ((cohort.archivedAt !== null) === archived) return cohort;
    await uow.run(async () => {
      await cohorts.setArchived(cohortId, archived ? new Date().toISOString() : null);
      await record(user, archived ? 'cohort.archive' : 'cohort.restore', cohortId, cohort.name);
    });
    return (await cohorts.get(cohortId))!;
  }

  /** A new cohort like this one: same pack and trainers, and if asked the same learners and assignments. */
  async function copy(
    cohortId: number,
    data: CopyInput,
    user: User,
  ): Promise<{ cohort: Cohort; members: number; assignments: number }> {
    const source = await manageable(cohortId, user);
    const withMembers = data.include.includes('members');
    const withAssignments = data.include.includes('assignments');
    const on = today();
    return uow.run(async () => {
      const id = await cohorts.create(data.name, source.description, source.variantVersionId, user.id);
      for (const t of await cohorts.trainers(cohortId)) await cohorts.addTrainer(id, t.id);
      if (user.role === 'trainer') await cohorts.addTrainer(id, user.id);
      let members = 0;
      let assignments = 0;
      if (withMembers)
        for (const m of await cohorts.members(cohortId))
          if (!m.disabled && (await cohorts.addMember(id, m.id))) members++;
      if (withAssignments)
        for (const a of await cohorts.assignments(cohortId)) {
          await cohorts.upsertAssignment(id, a.moduleId, a.dueOn < on ? on : a.dueOn);
          assignments++;
        }
      await record(
        user,
        'cohort.copy',
        id,
        `copy of cohort:${cohortId} (${members} learners, ${assignments} modules)`,
      );
      return { cohort: (await cohorts.get(id))!, members, assignments };
    });
  }

  /** Learners the trainer could enrol (enabled learner accounts not yet in the cohort), by name or email. */
  async function candidates(cohortId: number, q: string, user: User): Promise<CohortPerson[]> {
    await manageable(cohortId, user);
    return cohorts.candidates(cohortId, q, 200);
  }

  async function pin(cohortId: number, versionId: number | null, user: User): Promise<void> {
    await manageable(cohortId, user);
    if (versionId !== null && !(await versionExists(versionId)))
      throw new Invalid([{ field: 'variantId', message: 'Choose a published variant version' }]);
    await uow.run(async () => {
      await cohorts.setVariant(cohortId, versionId);
      await audit.record({
        actorId: user.id,
        actorEmail: user.email,
        action: 'cohort.pin',
        target: `cohort:${cohortId}`,
        detail: versionId ? `version ${versionId}` : 'base pack',
      });
    });
  }

  /** Enrols learners by email or id: all or nothing, with every unknown or unsuitable entry listed. */
  async function enrol(
    cohortId: number,
    data: MembersInput,
    user: User,
  ): Promise<{ added: number; alreadyMembers: number }> {
    await manageable(cohortId, user);
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
    return uow.run(async () => {
      let added = 0;
      for (const { row } of found) if (await cohorts.addMember(cohortId, row!.id)) added++;
      await audit.record({
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
  async function removeMember(cohortId: number, memberId: number, user: User): Promise<string> {
    await manageable(cohortId, user);
    const joined = await cohorts.memberSince(cohortId, memberId);
    if (!joined) throw new NotFound('That person is not in this cohort');
    const name = (await users.byId(memberId))?.name ?? 'The learner';
    await uow.run(async () => {
      await cohorts.removeMember(cohortId, memberId);
      await cohorts.recordRemoval(
        cohortId,
        { kind: 'member', userId: memberId, addedAt: joined.toISOString() },
        user.id,
      );
      await record(user, 'cohort.remove_member', cohortId, `user:${memberId}`);
    });
    return name;
  }

  async function addTrainer(cohortId: number, email: string, user: User): Promise<void> {
    await manageable(cohortId, user);
    const row = await users.byEmail(email.trim());
    if (!row || row.role === 'learner' || row.disabled) {
      throw new Invalid([
        { field: 'trainerEmail', message: 'Enter the email address of a trainer or admin' },
      ]);
    }
    await cohorts.addTrainer(cohortId, row.id);
  }

  async function removeTrainer(cohortId: number, trainerId: number, user: User): Promise<string> {
    await manageable(cohortId, user);
    const trainers = await cohorts.trainers(cohortId);
    const trainer = trainers.find((t) => t.id === trainerId);
    if (!trainer) throw new NotFound('That person is not a trainer of this cohort');
    if (trainers.length <= 1) throw new Conflict('A cohort needs at least one trainer');
    await uow.run(async () => {
      await cohorts.removeTrainer(cohortId, trainerId);
      await cohorts.recordRemoval(cohortId, { kind: 'trainer', userId: trainerId }, user.id);
      await record(user, 'cohort.remove_trainer', cohortId, `user:${trainerId}`);
    });
    return trainer.name;
  }

  async function assign(cohortId: number, data: AssignmentInput, user: User): Promise<number> {
    const cohort = await manageable(cohortId, user);
    const pack = await packOf(cohort);
    const problems = [];
    if (!pack.modules.has(data.moduleId))
      problems.push({ field: 'moduleId', message: 'Choose a module of this cohort’s pack' });
    if (data.dueAt < today())
      problems.push({ field: 'dueAt', message: 'Due date must be today or in the future' });
    if (problems.length) throw new Invalid(problems);
    return uow.run(async () => {
      const id = await cohorts.upsertAssignment(cohortId, data.moduleId, data.dueAt);
      const title = pack.modules.get(data.moduleId)!.title;
      await tellAssigned(cohort, await cohorts.members(cohortId), [{ ...data, title }]);
      return id;
    });
  }

  /** Moves an assignment's due date (`dueAt`: a day, `YYYY-MM-DD`). */
  async function changeAssignment(
    cohortId: number,
    assignmentId: number,
    dueAt: string,
    user: User,
  ): Promise<void> {
    await manageable(cohortId, user);
    if (!(await cohorts.assignment(cohortId, assignmentId))) throw new NotFound('No such assignment');
    if (dueAt < today())
      throw new Invalid([{ field: 'dueAt', message: 'Due date must be today or in the future' }]);
    await cohorts.updateAssignment(cohortId, assignmentId, dueAt);
  }

  /** Takes a module off the cohort; answers its title. The removal can be undone. */
  async function removeAssignment(cohortId: number, assignmentId: number, user: User): Promise<string> {
    const cohort = await manageable(cohortId, user);
    const a = await cohorts.assignment(cohortId, assignmentId);
    if (!a) throw new NotFound('No such assignment');
    await uow.run(async () => {
      await cohorts.deleteAssignment(cohortId, assignmentId);
      await cohorts.recordRemoval(
        cohortId,
        { kind: 'assignment', moduleId: a.moduleId, dueOn: a.dueOn },
        user.id,
      );
      await record(user, 'cohort.unassign', cohortId, a.moduleId);
    });
    return (await packOf(cohort)).modules.get(a.moduleId)?.title ?? a.moduleId;
  }

  async function describeRemoval(p: RemovalPayload, pack: Pack): Promise<string> {
    if (p.kind === 'assignment') return `${pack.modules.get(p.moduleId)?.title ?? p.moduleId} (module)`;
    const name = (await users.byId(p.userId))?.name ?? 'A former account';
    return p.kind === 'trainer' ? `${name} (trainer)` : `${name} (learner)`;
  }

  /** What was taken out of the cohort in the last day and can be put back. */
  async function recentRemovals(
    cohortId: number,
    user: User,
  ): Promise<{ id: number; text: string; removedAt: Date }[]> {
    const cohort = await manageable(cohortId, user);
    const since = new Date(Date.now() - UNDO_HOURS * 3600_000).toISOString();
    const [pack, removals] = await Promise.all([packOf(cohort), cohorts.removals(cohortId, since)]);
    return Promise.all(
      removals.map(async (r) => ({
        id: r.id,
        text: await describeRemoval(r.payload, pack),
        removedAt: r.removedAt,
      })),
    );
  }

  /** Puts back what a removal took out (a learner keeps their original joining date); answers what, in words. */
  async function undoRemoval(cohortId: number, removalId: number, user: User): Promise<string> {
    const cohort = await manageable(cohortId, user);
    const r = Number.isInteger(removalId) ? await cohorts.removal(cohortId, removalId) : undefined;
    if (!r || r.undone || r.removedAt.getTime() < Date.now() - UNDO_HOURS * 3600_000)
      throw new NotFound('That removal can no longer be undone');
    const p = r.payload;
    const pack = await packOf(cohort);
    if (p.kind !== 'assignment') {
      const person = await users.byId(p.userId);
      if (!person || person.disabled) throw new Conflict('That account has been disabled or deleted');
    }
    await uow.run(async () => {
      if (p.kind === 'member') await cohorts.addMember(cohortId, p.userId, p.addedAt);
      else if (p.kind === 'trainer') await cohorts.addTrainer(cohortId, p.userId);
      else await cohorts.upsertAssignment(cohortId, p.moduleId, p.dueOn);
      await cohorts.markUndone(r.id);
      await record(user, 'cohort.undo_removal', cohortId, p.kind);
    });
    const what = (await describeRemoval(p, pack)).replace(/ \((module|trainer|learner)\)$/, '');
    return p.kind === 'assignment'
      ? `“${what}” is assigned again, due ${longDate(p.dueOn)}`
      : p.kind === 'trainer'
        ? `${what} is a trainer of this cohort again`
        : `${what} is back in the cohort`;
  }

  /** Assigns several modules: the first due on `startOn`, each next (in the pack's order) `everyDays` later. */
  async function assignMany(
    cohortId: number,
    data: ScheduleInput,
    user: User,
  ): Promise<{ title: string; dueAt: string }[]> {
    const cohort = await manageable(cohortId, user);
    const pack = await packOf(cohort);
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
    await uow.run(async () => {
      for (const p of planned) await cohorts.upsertAssignment(cohortId, p.moduleId, p.dueAt);
      await record(user, 'cohort.assign', cohortId, planned.map((p) => `${p.moduleId}@${p.dueAt}`).join(' '));
      await tellAssigned(cohort, await cohorts.members(cohortId), planned);
    });
    return planned;
  }

  /** Moves every due date by `days` (negative: earlier); refuses to move a date that is not yet past into the past. */
  async function shiftDueDates(
    cohortId: number,
    days: number,
    user: User,
  ): Promise<{ moved: number; first?: string }> {
    await manageable(cohortId, user);
    const list = await cohorts.assignments(cohortId);
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
    const moved = await uow.run(async () => {
      const n = await cohorts.shiftAssignments(cohortId, days);
      await record(user, 'cohort.shift_due_dates', cohortId, `${days} days`);
      return n;
    });
    const first = (await cohorts.assignments(cohortId))[0]?.dueOn;
    return { moved, first };
  }

  async function detail(cohortId: number, user: User): Promise<CohortDetail> {
    const cohort = await manageable(cohortId, user);
    const [pack, list, members, trainers] = await Promise.all([
      packOf(cohort),
      cohorts.assignments(cohortId),
      cohorts.members(cohortId),
      cohorts.trainers(cohortId),
    ]);
    const assignments = list.map((a) => ({
      id: a.id,
      moduleId: a.moduleId,
      title: pack.modules.get(a.moduleId)?.title ?? a.moduleId,
      dueAt: a.dueOn,
    }));
    return { cohort, pack, members, trainers, assignments };
  }

  /**
   * Learners × outcomes in a fixed number of queries, however large the cohort. Trainers watching one cohort at once
   * (a workshop on a projector and on each trainer's laptop) share reads: see `coalesced` for why none sees data older
   * than its request. The result is shared, so it is read only: pages sort and filter copies.
   */
  async function matrix(cohortId: number, user: User): Promise<CohortMatrix> {
    await manageable(cohortId, user);
    return matrixReads(cohortId);
  }

  const matrixReads = coalesced(readMatrix);

  async function readMatrix(cohortId: number): Promise<CohortMatrix> {
    const cohort = await cohorts.get(cohortId);
    if (!cohort) throw new NotFound('No such cohort');
    const [pack, list, members, outcomesByUser, moduleRows] = await Promise.all([
      packOf(cohort),
      cohorts.assignments(cohortId),
      cohorts.members(cohortId),
      progress.cohortOutcomes(cohortId),
      progress.cohortModules(cohortId),
    ]);
    const assignments = list.map((a) => ({
      id: a.id,
      moduleId: a.moduleId,
      title: pack.modules.get(a.moduleId)?.title ?? a.moduleId,
      dueAt: a.dueOn,
    }));
    const outcomeIds = pack.areas.flatMap((a) => a.outcomes.map((o) => o.id));
    const notStarted: Record<string, OutcomeStatus> = {};
    for (const id of outcomeIds) notStarted[id] = 'not_started';
    const byUser = new Map<number, LearnerRow>();
    for (const m of members)
      byUser.set(m.id, new LearnerRow(m.id, m.email, m.name, m.lastSignedInAt, notStarted));
    for (const [userId, cells] of outcomesByUser) {
      const learner = byUser.get(userId);
      if (!learner) continue;
      learner.cells = cells;
    }
    const progressOf = new Map<number, Map<string, string>>();
    for (const m of moduleRows) {
      let mine = progressOf.get(m.userId);
      if (!mine) progressOf.set(m.userId, (mine = new Map()));
      mine.set(m.moduleId, m.status);
    }
    const on = today();
    for (const learner of byUser.values()) {
      const mine = progressOf.get(learner.id);
      for (const a of assignments) {
        const status = assignmentStatus(mine?.get(a.moduleId) ?? null, a.dueAt, on);
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
  async function outcomeEvidence(cohortId: number, learnerId: number, outcomeId: string, user: User) {
    const cohort = await manageable(cohortId, user);
    const joined = Number.isInteger(learnerId) ? await cohorts.memberSince(cohortId, learnerId) : undefined;
    if (!joined) throw new NotFound('That person is not in this cohort');
    const learner = await users.byId(learnerId);
    if (!learner) throw new NotFound('No such learner');
    const pack = await packOf(cohort);
    const area = pack.areas.find((a) => a.outcomes.some((o) => o.id === outcomeId));
    const outcome = area?.outcomes.find((o) => o.id === outcomeId);
    if (!area || !outcome) throw new NotFound('No such outcome in this cohort’s pack');
    const since = user.role === 'admin' ? null : joined;
    const visible = (at: Date) => !since || at >= since;
    const [current, allHistory, learnerModules] = await Promise.all([
      progress.outcome(learnerId, outcomeId),
      progress.history(learnerId, outcomeId),
      progress.modules(learnerId),
    ]);
    const shown = current && visible(current.updatedAt) ? current : undefined;
    const history = allHistory.filter((h) => visible(h.changedAt));
    const done = new Map(learnerModules.map((m) => [m.moduleId, m]));
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
