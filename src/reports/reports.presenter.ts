import type { z } from 'zod';
import { chartJson, submissionJson } from '../forms/forms.presenter';
import { areaProgressJson, assignmentsJson } from '../progress/progress.presenter';
import type { learnerRecordJsonSchema } from './reports.schema';
import type { ReportsService, ActionStatus } from './reports.service';

type LearnerRecord = Awaited<ReturnType<ReportsService['learnerRecord']>>;
type CohortRaids = Awaited<ReturnType<ReportsService['cohortRaids']>>;

/** An action in a learner's record as the API has always sent it: the `actions` table's columns, `done` as 0 or 1. */
function recordActionJson(a: ActionStatus): z.infer<typeof learnerRecordJsonSchema>['actions'][number] {
  return {
    id: a.id,
    submission_id: a.submissionId,
    user_id: a.userId,
    group_id: a.groupId,
    field_id: a.fieldId,
    position: a.position,
    text: a.text,
    due_on: a.dueOn,
    done: a.done ? 1 : 0,
    module_id: a.moduleId,
    overdue: a.overdue,
  };
}

/** `GET /api/v1/cohorts/:id/learners/:userId`. */
export function learnerRecordJson(r: LearnerRecord): z.infer<typeof learnerRecordJsonSchema> {
  return {
    learner: r.learner,
    areas: r.areas.map(areaProgressJson),
    assignments: assignmentsJson(r.assignments).assignments,
    answers: r.answers.map((a) => ({ ...a, updatedAt: a.updatedAt.toISOString() })),
    raids: r.raids.map((raid) => ({
      ...(raid.plan ? { plan: submissionJson(raid.plan) } : {}),
      ...(raid.report ? { report: submissionJson(raid.report) } : {}),
      title: raid.title,
    })),
    selfAssessments: r.assessments.attempts.map(submissionJson),
    chart: chartJson(r.assessments.chart),
    actions: r.actions.map(recordActionJson),
  };
}

/** The raid reports page: whole reports, or one learning area's part of each (an unknown area shows whole reports). */
export function cohortRaidsView(data: CohortRaids, area: string | undefined) {
  return { ...data, area: area && data.pack.areas.some((a) => a.id === area) ? area : '' };
}
