import type { Area } from '../content/types';
import type { Cohort, CohortSummary } from './cohorts.repo';
import type { CohortDetail, CohortMatrix } from './cohorts.service';
import { matrixHtml } from './matrix.view';

/** `GET /api/v1/cohorts`: the cohorts the person runs. */
export function cohortListJson(cohorts: CohortSummary[]) {
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
export function cohortJson(c: Cohort) {
  return { id: c.id, name: c.name, description: c.description, variantVersionId: c.variantVersionId };
}

/** `GET /api/v1/cohorts/:id`: the cohort with its trainers, members and assignments. */
export function cohortDetailJson(d: CohortDetail) {
  return {
    ...cohortJson(d.cohort),
    trainers: d.trainers.map((t) => ({ id: t.id, email: t.email, name: t.name })),
    members: d.members.map((m) => ({ id: m.id, email: m.email, name: m.name })),
    assignments: d.assignments,
  };
}

/** `GET /api/v1/cohorts/:id/progress`: learners × outcomes, and each learner's assigned modules. */
export function cohortProgressJson(d: CohortMatrix) {
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

/** The matrix page: the table for the chosen area (all areas when none or an unknown one is chosen), and the overdue count. */
export function matrixPage(data: CohortMatrix, area: string | undefined) {
  const chosen = area && data.pack.areas.some((a) => a.id === area) ? area : '';
  const areas: readonly Area[] = chosen ? data.pack.areas.filter((a) => a.id === chosen) : data.pack.areas;
  return {
    title: data.cohort.name,
    ...data,
    area: area ?? '',
    matrix: matrixHtml(data, areas),
    overdue: data.learners.reduce(
      (n, l) => n + Object.values(l.modules).filter((s) => s === 'overdue').length,
      0,
    ),
  };
}

/** The manage page: the cohort's pack as a list of modules to assign, grouped by section. */
export function assignableModules(d: CohortDetail) {
  return d.pack.sections.flatMap((s) =>
    s.modules.map((m) => ({ id: m.id, title: m.title, section: s.title })),
  );
}
