import type { z } from 'zod';
import type { AreaProgress, LearnerAssignment, OutcomeSaved } from './progress.service';
import type {
  areaProgressJsonSchema,
  learnerAssignmentsJsonSchema,
  learnerProgressJsonSchema,
  moduleCompletedJsonSchema,
  outcomeSavedJsonSchema,
} from './progress.schema';

/** `GET /api/v1/me/assignments`: each assigned module with its due date and status. */
export function assignmentsJson(
  assignments: LearnerAssignment[],
): z.infer<typeof learnerAssignmentsJsonSchema> {
  return {
    assignments: assignments.map(({ moduleId, title, kind, dueAt, status, cohortId }) => ({
      moduleId,
      title,
      kind,
      dueAt,
      status,
      cohortId,
    })),
  };
}

/** One learning area with the learner's outcomes (also part of a learner's record). */
export function areaProgressJson(a: AreaProgress): z.infer<typeof areaProgressJsonSchema> {
  return {
    id: a.id,
    short: a.short,
    title: a.title,
    moduleId: a.moduleId,
    outcomes: a.outcomes.map((o) => ({
      id: o.id,
      text: o.text,
      status: o.status,
      evidence: o.evidence,
      updatedAt: o.updatedAt ? o.updatedAt.toISOString() : null,
      confirmed: o.confirmed && { ...o.confirmed, at: o.confirmed.at.toISOString() },
      returned: o.returned && { ...o.returned, at: o.returned.at.toISOString() },
    })),
    achieved: a.achieved,
    total: a.total,
  };
}

/** `GET /api/v1/me/progress`. */
export function learnerProgressJson(areas: AreaProgress[]): z.infer<typeof learnerProgressJsonSchema> {
  return { areas: areas.map(areaProgressJson) };
}

/** `POST /api/v1/me/modules/:id/complete`. */
export function moduleCompletedJson(moduleId: string): z.infer<typeof moduleCompletedJsonSchema> {
  return { moduleId, status: 'completed' };
}

/** `PUT /api/v1/me/outcomes/:outcomeId`: the outcome as saved. */
export function outcomeJson({
  outcomeId,
  status,
  evidence,
  updatedAt,
}: OutcomeSaved): z.infer<typeof outcomeSavedJsonSchema> {
  return { outcomeId, status, evidence, updatedAt: updatedAt.toISOString() };
}
