import type { Actor } from '../shared/actor';
import { Invalid, NotFound } from '../shared/errors';
import type { Audited } from './audited';
import type { CohortsRepo } from './cohorts.repo';
import type { CohortAccess } from './cohorts.service';
import { today, type AssignmentInput, type ScheduleInput } from './cohorts.schema';

/** `YYYY-MM-DD` plus some days. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export type AssignmentStatus = 'not_started' | 'in_progress' | 'completed' | 'overdue';

/** Where a learner is in an assigned module: overdue once its due day has passed (`on` is today's day). */
export function assignmentStatus(progress: string | null, dueOn: string, on = today()): AssignmentStatus {
  if (progress === 'completed') return 'completed';
  if (dueOn < on) return 'overdue';
  return progress === 'in_progress' ? 'in_progress' : 'not_started';
}

/** A module assigned: its id, its title in the cohort's pack and its due day. */
export interface PlannedAssignment {
  moduleId: string;
  title: string;
  dueAt: string;
}

export interface AssignmentsDeps {
  cohorts: CohortsRepo;
  access: CohortAccess;
  audited: Audited;
}

const DUE_IN_FUTURE = 'Due date must be today or in the future';

/** The modules a cohort is given and when they are due (taking one away is a removal: see removals.service). */
export function createAssignmentsService({ cohorts, access, audited }: AssignmentsDeps) {
  /** Assigns a module (or moves its due date if already assigned); answers the assignment's id and title. */
  async function assign(
    cohortId: number,
    data: AssignmentInput,
    user: Actor,
  ): Promise<{ id: number; title: string }> {
    const cohort = await access.manageable(cohortId, user);
    const pack = await access.packOf(cohort);
    const problems = [];
    if (!pack.modules.has(data.moduleId))
      problems.push({ field: 'moduleId', message: 'Choose a module of this cohort’s pack' });
    if (data.dueAt < today()) problems.push({ field: 'dueAt', message: DUE_IN_FUTURE });
    if (problems.length) throw new Invalid(problems);
    const id = await audited(
      user,
      'cohort.assign',
      cohortId,
      () => cohorts.upsertAssignment(cohortId, data.moduleId, data.dueAt),
      () => `${data.moduleId}@${data.dueAt}`,
    );
    return { id, title: pack.modules.get(data.moduleId)!.title };
  }

  /** Moves an assignment's due date (`dueAt`: a day, `YYYY-MM-DD`); answers the module's title. */
  async function changeAssignment(
    cohortId: number,
    assignmentId: number,
    dueAt: string,
    user: Actor,
  ): Promise<{ title: string }> {
    const cohort = await access.manageable(cohortId, user);
    const a = await cohorts.assignment(cohortId, assignmentId);
    if (!a) throw new NotFound('No such assignment');
    if (dueAt < today()) throw new Invalid([{ field: 'dueAt', message: DUE_IN_FUTURE }]);
    await audited(
      user,
      'cohort.change_due_date',
      cohortId,
      () => cohorts.updateAssignment(cohortId, assignmentId, dueAt),
      () => `${a.moduleId}@${dueAt}`,
    );
    return { title: (await access.packOf(cohort)).modules.get(a.moduleId)?.title ?? a.moduleId };
  }

  /** Assigns several modules: the first due on `startOn`, each next (in the pack's order) `everyDays` later. */
  async function assignMany(
    cohortId: number,
    data: ScheduleInput,
    user: Actor,
  ): Promise<PlannedAssignment[]> {
    const cohort = await access.manageable(cohortId, user);
    const pack = await access.packOf(cohort);
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
    await audited(
      user,
      'cohort.assign',
      cohortId,
      async () => {
        for (const p of planned) await cohorts.upsertAssignment(cohortId, p.moduleId, p.dueAt);
      },
      () => planned.map((p) => `${p.moduleId}@${p.dueAt}`).join(' '),
    );
    return planned;
  }

  /** Moves every due date by `days` (negative: earlier); refuses to move a date that is not yet past into the past. */
  async function shiftDueDates(
    cohortId: number,
    days: number,
    user: Actor,
  ): Promise<{ moved: number; first?: string }> {
    await access.manageable(cohortId, user);
    const list = await cohorts.assignments(cohortId);
    if (!list.length) throw new Invalid([{ field: 'days', message: 'There are no due dates to move' }]);
    const on = today();
    const wouldPass = list.filter((a) => a.dueOn >= on && addDays(a.dueOn, days) < on);
    if (wouldPass.length) {
      const what = wouldPass.length === 1 ? 'a due date' : `${wouldPass.length} due dates`;
      throw new Invalid([
        { field: 'days', message: `That would put ${what} in the past: move them fewer days earlier` },
      ]);
    }
    const moved = await audited(
      user,
      'cohort.shift_due_dates',
      cohortId,
      () => cohorts.shiftAssignments(cohortId, days),
      () => `${days} days`,
    );
    const first = (await cohorts.assignments(cohortId))[0]?.dueOn;
    return { moved, first };
  }

  return { assign, changeAssignment, assignMany, shiftDueDates };
}
export type AssignmentsService = ReturnType<typeof createAssignmentsService>;
