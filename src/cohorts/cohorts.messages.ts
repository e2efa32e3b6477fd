import { ukDate } from '../shared/dates';
import type { PlannedAssignment } from './assignments.service';
import type { CohortCopy, DetailsChange } from './cohorts.service';
import type { Enrolment } from './membership.service';
import type { RecentRemoval, RemovedThing } from './removals.service';
import { UNDO_HOURS } from './removals.service';

/**
 * What the cohort pages say after a change, in words: the services answer what happened (data), and these sentences
 * are written from it. One place for them, so the pages and the service never drift apart.
 */

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Ann", "Ann and Bob", "Ann, Bob and 3 others". */
export function names(list: string[]): string {
  if (list.length <= 1) return list.join('');
  if (list.length <= 3) return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  return `${list.slice(0, 2).join(', ')} and ${list.length - 2} others`;
}

// --- lifecycle ---

export function detailsChanged(c: DetailsChange): string {
  const words = [
    ...(c.renamed ? [`Renamed “${c.renamed.from}” to “${c.renamed.to}”`] : []),
    ...(c.description ? [`Description ${c.description}`] : []),
  ];
  return words.length ? words.join('. ') : 'Nothing changed';
}

export const archived = (name: string) =>
  `“${name}” archived: it is no longer in your list of cohorts and its learners no longer see its modules. ` +
  'You can restore it from this page.';

export const restored = (name: string) => `“${name}” restored: it is back in your list of cohorts`;

export function copied(r: CohortCopy): string {
  const parts = [
    r.members ? plural(r.members, 'learner') : 'no learners',
    r.assignments ? `${r.assignments} assigned ${r.assignments === 1 ? 'module' : 'modules'}` : 'no modules',
  ];
  return `“${r.cohort.name}” created as a copy, with ${parts.join(' and ')}`;
}

// --- membership ---

export const enrolledByName = (who: string[], r: Enrolment) =>
  `Enrolled ${names(who)}${r.alreadyMembers ? ` (${r.alreadyMembers} already in the cohort)` : ''}`;

export const enrolled = (r: Enrolment) =>
  `${r.added} enrolled${r.alreadyMembers ? `, ${r.alreadyMembers} already in the cohort` : ''}`;

export const trainerAdded = (email: string) => `${email} added as a trainer`;

// --- assignments ---

export const assigned = (title: string, dueAt: string) => `“${title}” assigned, due ${ukDate(dueAt)}`;

export function assignedMany(planned: PlannedAssignment[]): string {
  const first = planned[0];
  const last = planned[planned.length - 1];
  return planned.length === 1
    ? assigned(first.title, first.dueAt)
    : `${planned.length} modules assigned, due from ${ukDate(first.dueAt)} to ${ukDate(last.dueAt)}`;
}

export const dueDateChanged = (title: string, dueAt: string) =>
  `Due date of “${title}” changed to ${ukDate(dueAt)}`;

export function dueDatesShifted(
  r: { moved: number; first?: string },
  days: number,
  direction: string,
): string {
  const moved = r.moved === 1 ? '1 due date' : `${r.moved} due dates`;
  const first = r.first ? `: the first is now due ${ukDate(r.first)}` : '';
  return `${moved} moved ${days} ${days === 1 ? 'day' : 'days'} ${direction}${first}`;
}

// --- removals, and undoing them ---

export const memberRemoved = (name: string | null) =>
  `${name ?? 'The learner'} removed from the cohort. Their work is kept; you can undo this below.`;

export const trainerRemoved = (name: string) =>
  `${name} is no longer a trainer of this cohort; you can undo this below.`;

export const unassigned = (title: string) => `“${title}” is no longer assigned; you can undo this below.`;

export const confirmRemoveMember = (name: string, cohort: string) => ({
  title: `Remove ${name} from ${cohort}?`,
  body:
    `${name} will no longer see this cohort’s modules, and you will no longer see their work. ` +
    `Nothing they have written is deleted, and you can undo this for ${UNDO_HOURS} hours.`,
  button: `Remove ${name}`,
});

export const confirmRemoveTrainer = (name: string, cohort: string) => ({
  title: `Remove ${name} as a trainer of ${cohort}?`,
  body: `${name} will no longer see this cohort or its learners’ progress. You can undo this for ${UNDO_HOURS} hours.`,
  button: `Remove ${name}`,
});

export const confirmUnassign = (title: string, dueAt: string) => ({
  title: `Stop assigning “${title}”?`,
  body:
    `Learners will no longer see it as due on ${ukDate(dueAt)}. ` +
    `Their progress in it is kept, and you can undo this for ${UNDO_HOURS} hours.`,
  button: 'Remove the assignment',
});

/** What a removal took out, by name or title (a deleted account reads as such). */
function what(r: RemovedThing): string {
  return r.kind === 'assignment' ? r.title : (r.name ?? 'A former account');
}

/** A removal in the manage page's list of what can be undone: "Ann Able (learner)". */
export function removalLine(r: RecentRemoval): { id: number; text: string; removedAt: Date } {
  const kind = r.removed.kind === 'member' ? 'learner' : r.removed.kind === 'trainer' ? 'trainer' : 'module';
  return { id: r.id, text: `${what(r.removed)} (${kind})`, removedAt: r.removedAt };
}

export function undone(r: RemovedThing): string {
  return r.kind === 'assignment'
    ? `“${r.title}” is assigned again, due ${ukDate(r.dueOn)}`
    : r.kind === 'trainer'
      ? `${what(r)} is a trainer of this cohort again`
      : `${what(r)} is back in the cohort`;
}
