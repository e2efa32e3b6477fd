import type { Module, Pack } from '../content/types';
import type { PackRegistry } from '../content/registry';
import type { CohortsService } from '../cohorts/cohorts.service';
import type { FormsService } from '../forms/forms.service';
import type { ProgressService } from '../progress/progress.service';
import type { ReportsService } from '../reports/reports.service';
import { RAID_PLAN, RAID_REPORT, selfAssessmentModule } from '../reports/reports.service';
import type { ResponsesService } from '../responses/responses.service';
import type { Actor } from '../shared/actor';

/** How a module is completed: submitting its form, answering every prompt, or marking it complete. */
export type CompletesBy = 'form' | 'prompts' | 'marking';

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

  /**
   * How a module is completed, and whether this learner has done its work: a form module by submitting the form, a
   * module with prompts by answering every one, any other (reading) module by marking it complete.
   */
  function moduleWork(
    actor: Actor,
    mod: Module,
  ): { completesBy: CompletesBy; done: boolean; hasWork: boolean } {
    if (mod.form) {
      const n = forms.forModule(actor.id, mod.id).length;
      return { completesBy: 'form', done: n > 0, hasWork: n > 0 };
    }
    if (mod.prompts.length) {
      const answers = responses.forModule(actor.id, mod.id);
      const answered = mod.prompts.filter((p) => (answers.get(p.id)?.text ?? '').trim() !== '').length;
      return { completesBy: 'prompts', done: answered === mod.prompts.length, hasWork: answered > 0 };
    }
    return { completesBy: 'marking', done: false, hasWork: false };
  }

  /** After a learner saved work on a module: completed when its work is all done, otherwise in progress. */
  async function workSaved(actor: Actor, pack: Pack, moduleId: string): Promise<void> {
    const mod = pack.modules.get(moduleId);
    if (!mod || actor.role !== 'learner') return;
    const work = moduleWork(actor, mod);
    if (work.completesBy === 'marking') return;
    // All its work deleted (a form's last entry): the module is no longer completed.
    if (!work.hasWork) {
      if (progress.moduleStatus(actor, mod.id) === 'completed')
        await progress.undoCompletion(actor, pack, mod.id, false);
      return;
    }
    await progress.recordWork(actor, mod.id, work.done);
  }

  /** The learner undoes a module's completion (in progress again if they have work saved on it). */
  function undoCompletion(actor: Actor, pack: Pack, moduleId: string) {
    const mod = pack.modules.get(moduleId);
    const hasWork = mod && actor.role === 'learner' ? moduleWork(actor, mod).hasWork : false;
    return progress.undoCompletion(actor, pack, moduleId, hasWork);
  }

  /** The modules before and after this one, in pack order. */
  function neighbours(pack: Pack, mod: Module): { previous: Module | null; next: Module | null } {
    const order = pack.sections.flatMap((s) => s.modules);
    const at = order.findIndex((m) => m.id === mod.id);
    if (at < 0) return { previous: null, next: null };
    return { previous: order[at - 1] ?? null, next: order[at + 1] ?? null };
  }

  /** What a module page shows this person: their status, outcomes, answers, forms and actions. Writes nothing. */
  function modulePage(actor: Actor, pack: Pack, mod: Module) {
    const moduleStatus = progress.moduleStatus(actor, mod.id);
    const completesBy = actor.role === 'learner' ? moduleWork(actor, mod).completesBy : null;
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
    return {
      moduleStatus,
      completesBy,
      ...neighbours(pack, mod),
      outcomes,
      ...(actor.role === 'learner' ? learnerWork(actor, mod) : {}),
    };
  }

  function learnerWork(actor: Actor, mod: Module): Record<string, unknown> {
    const work: Record<string, unknown> = {};
    if (mod.prompts.length) work.responses = responses.forModule(actor.id, mod.id);
    if (mod.form) {
      const submissions = forms.forModule(actor.id, mod.id);
      work.submissions = submissions;
      work.chart = forms.chartFor(mod, submissions);
      work.startingValues = forms.startingValues(mod, submissions);
      work.actions = reports.actionsOf(actor.id).filter((a) => a.moduleId === mod.id);
      if (mod.id === RAID_REPORT) work.raidPlans = forms.forModule(actor.id, RAID_PLAN);
    }
    return work;
  }

  /** A learner's home: assigned modules, the next thing to do, progress by area, open actions. */
  function learnerHome(actor: Actor, pack: Pack) {
    const assignments = progress.assignments(actor, pack);
    // Assignments come in due-date order: the next thing is the first one not completed, then the two after it.
    const open = assignments.filter((a) => a.status !== 'completed');
    const next = open[0];
    const after = open.slice(1, 3);
    const extra = {
      actions: reports
        .actionsOf(actor.id)
        .filter((a) => !a.done)
        .slice(0, 5),
    };
    return { assignments, next, after, areas: progress.learnerProgress(actor.id, pack), extra };
  }

  /** A learner's progress: outcomes by area, assigned modules, answers, raids, self-assessments and actions. */
  function learnerProgress(actor: Actor, pack: Pack) {
    const sa = selfAssessmentModule(pack);
    const byModule = new Map<
      string,
      { moduleId: string; title: string; answered: number; prompts: number }
    >();
    for (const a of responses.forUser(actor.id)) {
      const mod = pack.modules.get(a.moduleId);
      if (!mod || a.text.trim() === '') continue;
      const row = byModule.get(mod.id) ?? {
        moduleId: mod.id,
        title: mod.title,
        answered: 0,
        prompts: mod.prompts.length,
      };
      row.answered++;
      byModule.set(mod.id, row);
    }
    const order = pack.sections.flatMap((s) => s.modules.map((m) => m.id));
    const extra = {
      assignments: progress.assignments(actor, pack),
      answers: [...byModule.values()].sort((a, b) => order.indexOf(a.moduleId) - order.indexOf(b.moduleId)),
      raids: reports.raidsOf(actor.id),
      assessments: sa ? forms.forModule(actor.id, sa.id) : [],
      assessmentModule: sa?.id,
      actions: reports.actionsOf(actor.id),
    };
    return { areas: progress.learnerProgress(actor.id, pack), extra };
  }

  /** One outcome's edit page: the outcome, its area, what the learner recorded, its history and the modules that evidence it. */
  function outcomePage(actor: Actor, pack: Pack, outcomeId: string) {
    const view = progress.outcomeView(actor.id, pack, outcomeId);
    const modules = pack.sections
      .flatMap((s) => s.modules)
      .filter((m) => m.outcomes.includes(outcomeId) && m.id !== view.area?.moduleId)
      .map((m) => ({ id: m.id, title: m.title }));
    return { ...view, modules };
  }

  /*
   * A learner's work, saved and then weighed for the module's completion: every save path goes through these, so the
   * completion rule (form submitted, every prompt answered, last entry deleted) is applied in one place.
   */
  async function saveAnswers(actor: Actor, pack: Pack, ...rest: DropTwo<ResponsesService['saveAll']>) {
    const saved = responses.saveAll(actor, pack, ...rest);
    await workSaved(actor, pack, rest[0]);
    return saved;
  }

  async function saveAnswer(actor: Actor, pack: Pack, ...rest: DropTwo<ResponsesService['save']>) {
    const saved = responses.save(actor, pack, ...rest);
    await workSaved(actor, pack, saved.moduleId);
    return saved;
  }

  async function submitEntry(actor: Actor, pack: Pack, ...rest: DropTwo<FormsService['submit']>) {
    const entry = forms.submit(actor, pack, ...rest);
    await workSaved(actor, pack, rest[0]);
    return entry;
  }

  async function updateEntry(actor: Actor, pack: Pack, ...rest: DropTwo<FormsService['update']>) {
    const entry = forms.update(actor, pack, ...rest);
    await workSaved(actor, pack, entry.moduleId);
    return entry;
  }

  async function removeEntry(actor: Actor, pack: Pack, moduleId: string, entryId: number): Promise<void> {
    forms.remove(actor, moduleId, entryId);
    await workSaved(actor, pack, moduleId);
  }

  return {
    packFor,
    moduleStatuses,
    modulePage,
    saveAnswers,
    saveAnswer,
    submitEntry,
    updateEntry,
    removeEntry,
    undoCompletion,
    learnerHome,
    learnerProgress,
    outcomePage,
  };
}
export type PagesService = ReturnType<typeof createPagesService>;

/** A service method's parameters after (actor, pack). */
type DropTwo<F> = F extends (actor: Actor, pack: Pack, ...rest: infer R) => unknown ? R : never;
