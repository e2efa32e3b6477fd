import type { AuditRepo } from '../audit/audit.repo';
import type { UnitOfWork } from '../db/ports';
import type { Actor } from '../shared/actor';

/** What can be done to a cohort, as the audit log names it. */
export type CohortAction =
  | 'cohort.create'
  | 'cohort.update'
  | 'cohort.archive'
  | 'cohort.restore'
  | 'cohort.copy'
  | 'cohort.pin'
  | 'cohort.enrol'
  | 'cohort.add_trainer'
  | 'cohort.remove_member'
  | 'cohort.remove_trainer'
  | 'cohort.assign'
  | 'cohort.change_due_date'
  | 'cohort.shift_due_dates'
  | 'cohort.unassign'
  | 'cohort.undo_removal';

/**
 * Makes a change to a cohort and writes its audit entry in the same transaction: both happen, or neither. `cohortId`
 * is the cohort changed (a function of the change's result when the change creates it); `detail` is read from the
 * result too, so the entry says what was actually done.
 */
export type Audited = <T>(
  actor: Actor,
  action: CohortAction,
  cohortId: number | ((result: T) => number),
  change: () => Promise<T>,
  detail: (result: T) => string,
) => Promise<T>;

/** The one way a change to a cohort is made: every cohort service writes through it. */
export function createAudited(uow: UnitOfWork, audit: AuditRepo): Audited {
  return <T>(
    actor: Actor,
    action: CohortAction,
    cohortId: number | ((result: T) => number),
    change: () => Promise<T>,
    detail: (result: T) => string,
  ) =>
    uow.run(async () => {
      const result = await change();
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action,
        target: `cohort:${typeof cohortId === 'number' ? cohortId : cohortId(result)}`,
        detail: detail(result),
      });
      return result;
    });
}
