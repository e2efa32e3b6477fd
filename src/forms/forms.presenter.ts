import type { RatingChart } from './chart';
import type { Action } from './forms.repo';
import type { FormEntry } from './forms.service';

/** A submission as the API has always sent it (its times under `created_at` and `updated_at`). */
export function submissionJson(s: FormEntry) {
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
export function chartJson(chart: RatingChart | null) {
  return chart ? { attempts: chart.attempts, rows: chart.rows } : null;
}

/** `GET /api/v1/me/forms/:moduleId`. */
export function formHistoryJson(h: { submissions: FormEntry[]; chart: RatingChart | null }) {
  return { submissions: h.submissions.map(submissionJson), chart: chartJson(h.chart) };
}

/** `GET /api/v1/me/actions`. */
export function actionsJson(actions: (Action & { overdue: boolean })[]) {
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
