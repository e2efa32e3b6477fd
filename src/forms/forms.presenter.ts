import type { RatingChart } from './chart';
import type { Action } from './forms.repo';
import type { FormEntry } from './forms.service';
import type { z } from 'zod';
import type {
  actionDoneJsonSchema,
  actionsJsonSchema,
  formHistoryJsonSchema,
  ratingChartJsonSchema,
  submissionJsonSchema,
} from './forms.schema';

/** A submission as the API has always sent it (its times under `created_at` and `updated_at`). */
export function submissionJson(s: FormEntry): z.infer<typeof submissionJsonSchema> {
  return {
    id: s.id,
    moduleId: s.moduleId,
    data: s.data,
    linkedId: s.linkedId,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    title: s.title,
  };
}

/** The chart's numbers without its drawing. */
export function chartJson(chart: RatingChart | null): z.infer<typeof ratingChartJsonSchema> | null {
  return chart ? { attempts: chart.attempts.map((a) => ({ label: a.label })), rows: chart.rows } : null;
}

/** `GET /api/v1/me/forms/:moduleId`. */
export function formHistoryJson(h: {
  submissions: FormEntry[];
  chart: RatingChart | null;
}): z.infer<typeof formHistoryJsonSchema> {
  return { submissions: h.submissions.map(submissionJson), chart: chartJson(h.chart) };
}

/** `GET /api/v1/me/actions`. */
export function actionsJson(actions: (Action & { overdue: boolean })[]): z.infer<typeof actionsJsonSchema> {
  return {
    actions: actions.map((a) => ({
      id: a.id,
      moduleId: a.moduleId,
      text: a.text,
      dueOn: a.dueOn,
      done: a.done,
      overdue: a.overdue,
    })),
  };
}

/** `PATCH /api/v1/me/actions/:id`. */
export function actionDoneJson(id: number, done: boolean): z.infer<typeof actionDoneJsonSchema> {
  return { id, done };
}
