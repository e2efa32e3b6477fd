import { z } from 'zod';
import { ratingChartJsonSchema, submissionJsonSchema } from '../forms/forms.schema';
import { areaProgressJsonSchema, learnerAssignmentsJsonSchema } from '../progress/progress.schema';

/** `GET /cohorts/:id/raids?area=`: one learning area's part of each report; anything else shows whole reports. */
export const raidsQuerySchema = z.object({ area: z.string().optional().catch(undefined) });

// What the API answers (the presenters' return types are these, so the OpenAPI document and the code agree).

/** An action in a learner's record as the API has always sent it: the `actions` table's columns, `done` as 0 or 1. */
const recordActionJsonSchema = z.object({
  id: z.number().int(),
  submission_id: z.number().int(),
  user_id: z.number().int(),
  group_id: z.string(),
  field_id: z.string(),
  position: z.number().int(),
  text: z.string(),
  due_on: z.iso.date().nullable(),
  done: z.union([z.literal(0), z.literal(1)]),
  module_id: z.string(),
  overdue: z.boolean(),
});

/** `GET /api/v1/cohorts/:id/learners/:userId`: everything the learner did (a trainer sees work since they joined). */
export const learnerRecordJsonSchema = z
  .object({
    learner: z.object({ id: z.number().int(), name: z.string(), email: z.email() }),
    areas: z.array(areaProgressJsonSchema),
    assignments: learnerAssignmentsJsonSchema.shape.assignments,
    answers: z.array(
      z.object({
        moduleId: z.string(),
        moduleTitle: z.string(),
        promptId: z.string(),
        question: z.string(),
        area: z.string(),
        text: z.string(),
        shared: z.boolean(),
        updatedAt: z.iso.datetime(),
      }),
    ),
    raids: z.array(
      z.object({
        plan: submissionJsonSchema.optional(),
        report: submissionJsonSchema.optional(),
        title: z.string(),
      }),
    ),
    selfAssessments: z.array(submissionJsonSchema),
    chart: ratingChartJsonSchema.nullable(),
    actions: z.array(recordActionJsonSchema),
  })
  .meta({ id: 'LearnerRecord' });
