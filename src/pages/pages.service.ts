import type { Module, Pack } from '../content/types';
import type { PackRegistry } from '../content/registry';
import type { CohortsService } from '../cohorts/cohorts.service';
import type { FormsService } from '../forms/forms.service';
import type { ProgressService } from '../progress/progress.service';
import type { ReportsService } from '../reports/reports.service';
import { RAID_PLAN, RAID_REPORT, selfAssessmentModule } from '../reports/reports.service';
import type { ResponsesService } from '../responses/responses.service';
import type { Actor } from '../shared/actor';

export interface PackChoice {
  /** `?cohort=`: that cohort's pinned variant, for its members, trainers and admins. */
  cohortId?: number;
  /** An admin's preview of a variant version (ignored for anyone else, and when a cohort is named). */
  previewVersionId?: number | null;
}

/** Screens that draw on several features: which pack a person sees, the module page, the learner's home and progress. */
export function createPagesService(
  packs: PackRegistry,
  cohorts: CohortsService,
  progress: ProgressService,
  responses: ResponsesService,
  forms: FormsService,
  reports: ReportsService,
) {
  /** The pack this person sees: an admin's preview, a named cohort's variant, or their own. */
  function packFor(actor: Actor, choice: PackChoice = {}): Pack {
    const previewing = actor.role === 'admin' && choice.previewVersionId && choice.cohortId === undefined;
    return previewing ? packs.forVersion(choice.previewVersionId) : cohorts.packFor(actor, choice.cohortId);
  }

  function moduleStatuses(actor: Actor): Map<string, string> {
    return actor.role === 'learner' ? progress.moduleStatuses(actor.id) : new Map();
  }

  /** What a module page shows this person: their status, outcomes, answers, forms and actions. */
  function modulePage(actor: Actor, pack: Pack, mod: Module) {
    const moduleStatus = progress.openModule(actor, mod);
    const saved =
      actor.role === 'learner' && mod.outcomes.length
        ? progress.outcomeMap(actor.id, mod.outcomes)
        : new Map();
    const outcomes = mod.outcomes.map((id) => {
      const o = pack.outcomes.get(id);
      const row = saved.get(id);
      return {
        id,
        text: o?.text ?? id,
        areaId: o?.areaId ?? '',
        standard: o?.standard ?? null,
        status: row?.status ?? 'not_started',
        evidence: row?.evidence ?? '',
        updatedAt: row?.updatedAt ?? null,
      };
    });
    return { moduleStatus, outcomes, ...(actor.role === 'learner' ? learnerWork(actor, mod) : {}) };
  }

  function learnerWork(actor: Actor, mod: Module): Record<string, unknown> {
    const work: Record<string, unknown> = {};
    if (mod.prompts.length) work.responses = responses.forModule(actor.id, mod.id);
    if (mod.form) {
      const submissions = forms.forModule(actor.id, mod.id);
      work.submissions = submissions;
      work.chart = forms.chartFor(mod, submissions);
      work.actions = reports.actionsOf(actor.id).filter((a) => a.moduleId === mod.id);
      if (mod.id === RAID_REPORT) work.raidPlans = forms.forModule(actor.id, RAID_PLAN);
    }
    return work;
  }

  /** A learner's home: assigned modules, the next thing to do, progress by area, open actions. */
  function learnerHome(actor: Actor, pack: Pack) {
    const assignments = progress.assignments(actor, pack);
    const next =
      assignments.find((a) => a.status === 'overdue') ??
      assignments.find((a) => a.status === 'in_progress') ??
      assignments.find((a) => a.status === 'not_started');
    const extra = {
      actions: reports
        .actionsOf(actor.id)
        .filter((a) => !a.done)
        .slice(0, 5),
    };
    return { assignments, next, areas: progress.learnerProgress(actor.id, pack), extra };
  }

  /** A learner's progress: outcomes by area, raids, self-assessments and actions. */
  function learnerProgress(actor: Actor, pack: Pack) {
    const sa = selfAssessmentModule(pack);
    const extra = {
      raids: reports.raidsOf(actor.id),
      assessments: sa ? forms.forModule(actor.id, sa.id) : [],
      assessmentModule: sa?.id,
      actions: reports.actionsOf(actor.id),
    };
    return { areas: progress.learnerProgress(actor.id, pack), extra };
  }

  return { packFor, moduleStatuses, modulePage, learnerHome, learnerProgress };
}
export type PagesService = ReturnType<typeof createPagesService>;
