import type { Area } from '../content/types';
import type { Cohort, CohortSummary } from './cohorts.repo';
import type { CohortDetail } from './cohorts.service';
import type { CohortMatrix, MatrixLearner } from './matrix.service';
import type { MatrixQuery } from './cohorts.schema';
import { matrixHtml } from './matrix.view';
import type { z } from 'zod';
import type {
  cohortDetailJsonSchema,
  cohortJsonSchema,
  cohortListJsonSchema,
  cohortProgressJsonSchema,
  enrolmentJsonSchema,
  pinJsonSchema,
} from './cohorts.schema';

/** `GET /api/v1/cohorts`: the cohorts the person runs. */
export function cohortListJson(cohorts: CohortSummary[]): z.infer<typeof cohortListJsonSchema> {
  return {
    cohorts: cohorts.map((c) => ({
      id: c.id,
      name: c.name,
      members: c.members,
      variantVersionId: c.variantVersionId,
    })),
  };
}

/** `POST /api/v1/cohorts`: the cohort created. */
export function cohortJson(c: Cohort): z.infer<typeof cohortJsonSchema> {
  return { id: c.id, name: c.name, description: c.description, variantVersionId: c.variantVersionId };
}

/** `GET /api/v1/cohorts/:id`: the cohort with its trainers, members and assignments. */
export function cohortDetailJson(d: CohortDetail): z.infer<typeof cohortDetailJsonSchema> {
  return {
    ...cohortJson(d.cohort),
    trainers: d.trainers.map((t) => ({ id: t.id, email: t.email, name: t.name })),
    members: d.members.map((m) => ({ id: m.id, email: m.email, name: m.name })),
    assignments: d.assignments.map((a) => ({
      id: a.id,
      moduleId: a.moduleId,
      title: a.title,
      dueAt: a.dueAt,
    })),
  };
}

/** `GET /api/v1/cohorts/:id/progress`: learners × outcomes, and each learner's assigned modules. */
export function cohortProgressJson(d: CohortMatrix): z.infer<typeof cohortProgressJsonSchema> {
  return {
    cohort: { id: d.cohort.id, name: d.cohort.name },
    outcomes: d.outcomeIds,
    modules: d.assignments.map((a) => ({ id: a.moduleId, dueAt: a.dueAt })),
    learners: d.learners.map((l) => ({
      id: l.id,
      email: l.email,
      name: l.name,
      outcomes: l.outcomes,
      completedModules: l.completedModules,
      modules: l.modules,
    })),
  };
}

/** `POST /api/v1/cohorts/:id/members`. */
export function enrolmentJson(r: {
  added: number;
  alreadyMembers: number;
}): z.infer<typeof enrolmentJsonSchema> {
  return { added: r.added, alreadyMembers: r.alreadyMembers };
}

/** `PUT /api/v1/cohorts/:id/variant`. */
export function pinJson(id: number, variantVersionId: number | null): z.infer<typeof pinJsonSchema> {
  return { id, variantVersionId };
}

const byName = new Intl.Collator('en-GB', { sensitivity: 'base', numeric: true });

/**
 * The matrix page: the table for the chosen area (all areas when none or an unknown one is chosen), only the learners
 * the filter asks for, sorted by name or by progress (outcomes achieved in the areas shown, then modules completed,
 * then outcomes in progress). Everything is worked out from the matrix already read: no query per learner.
 */
export function matrixPage(data: CohortMatrix, query: Partial<MatrixQuery> = {}) {
  const area = query.area;
  const sort = query.sort ?? 'name';
  const show = query.show ?? 'all';
  const chosen = area && data.pack.areas.some((a) => a.id === area) ? area : '';
  const areas: readonly Area[] = chosen ? data.pack.areas.filter((a) => a.id === chosen) : data.pack.areas;
  const shownOutcomes = areas.flatMap((a) => a.outcomes.map((o) => o.id));
  const learners = data.learners.filter((l) =>
    show === 'overdue' ? l.overdue > 0 : show === 'never-signed-in' ? l.lastSignedInAt === null : true,
  );
  const names = (a: MatrixLearner, b: MatrixLearner) => byName.compare(a.name, b.name) || a.id - b.id;
  if (sort === 'name') learners.sort(names);
  else {
    const score = new Map<number, number>();
    for (const l of learners) {
      let achieved = 0;
      let inProgress = 0;
      for (const id of shownOutcomes) {
        const st = l.outcomes[id];
        if (st === 'achieved') achieved++;
        else if (st === 'in_progress' || st === 'awaiting_review') inProgress++;
      }
      // achieved outcomes weigh most, then completed modules, then outcomes under way
      score.set(l.id, achieved * 1_000_000 + l.completedModules.length * 1_000 + inProgress);
    }
    const dir = sort === 'progress' ? -1 : 1;
    learners.sort((a, b) => dir * (score.get(a.id)! - score.get(b.id)!) || names(a, b));
  }
  return {
    title: data.cohort.name,
    ...data,
    area: chosen,
    sort,
    show,
    shown: learners.length,
    filtered: show !== 'all',
    matrix: matrixHtml(data, areas, { learners, sort }),
    overdue: data.learners.reduce((n, l) => n + l.overdue, 0),
    overdueLearners: data.learners.filter((l) => l.overdue > 0).length,
    neverSignedIn: data.learners.filter((l) => l.lastSignedInAt === null).length,
    awaitingReview: data.learners.reduce((n, l) => n + l.awaitingReview, 0),
  };
}

/** The manage page: the cohort's pack as a list of modules to assign, grouped by section. */
export function assignableModules(d: CohortDetail) {
  return d.pack.sections.flatMap((s) =>
    s.modules.map((m) => ({ id: m.id, title: m.title, section: s.title })),
  );
}
