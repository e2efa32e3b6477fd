import type { LearnerAssignment, OutcomeSaved } from './progress.service';

/** `GET /api/v1/me/assignments`: each assigned module with its due date and status. */
export function assignmentsJson(assignments: LearnerAssignment[]) {
  return {
    assignments: assignments.map(({ moduleId, title, dueAt, status, kind, cohortId }) => ({
      moduleId,
      title,
      kind,
      dueAt,
      status,
      cohortId,
    })),
  };
}

/** `PUT /api/v1/me/outcomes/:outcomeId`: the outcome as saved. */
export function outcomeJson({ outcomeId, status, evidence, updatedAt }: OutcomeSaved) {
  return { outcomeId, status, evidence, updatedAt };
}
