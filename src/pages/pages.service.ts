import type { Module, Pack } from '../content/types';
import type { PackRegistry } from '../content/registry';
import type { CohortsService } from '../cohorts/cohorts.service';
import type { FormsService } from '../forms/forms.service';
import { outcomeViewOf, type ProgressService } from '../progress/progress.service';
import type { ReportsService } from '../reports/reports.service';
import { RAID_PLAN, RAID_REPORT, selfAssessmentModule } from '../reports/reports.service';
import type { ResponsesService } from '../responses/responses.service';
import type { Actor } from '../shared/actor';

/** How a module is completed: submitting its form, answering every prompt, or marking it complete. */
export type CompletesBy = 'form' | 'prompts' | 'marking';

/** How a module is completed: by submitting its form, by answering every question, or by marking it complete. */
function completesByOf(mod: Module): CompletesBy {
  if (mod.form) return 'form';
  return mod.prompts.length ? 'prompts' : 'marking';
}

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
  async function packFor(actor: Actor, choice: PackChoice = {}): Promise<Pack> {
    const previewing = actor.role === 'admin' && choice.previewVersionId && choice.cohortId === undefined;
    return previewing
      ? packs.forVersion(choice.previewVersionId)
      : await cohorts.packFor(actor, choice.cohortId);
  }

  /** The pack this person sees and its version: the variant version's id, or null for the built-in pack. */
  async function seenVersion(
    actor: Actor,
    choice: PackChoice = {},
  ): Promise<{ pack: Pack; versionId: number | null }> {
    const previewing = actor.role === 'admin' && choice.previewVersionId && choice.cohortId === undefined;
    const versionId = previewing
      ? choice.previewVersionId!
      : await cohorts.versionFor(actor, choice.cohortId);
    return { pack: await packs.forVersion(versionId), versionId: versionId || null };
  }

  async function moduleStatuses(actor: Actor): Promise<Map<string, string>> {
    return actor.role === 'learner' ? progress.moduleStatuses(actor.id) : new Map();
  }

  /**
   * How a module is completed, and whether this learner has done its work: a form module by submitting the form, a
   * module with prompts by answering every one, any other (reading) module by marking it complete.
   */
  async function moduleWork(
    actor: Actor,
    mod: Module,
  ): Promise<{ completesBy: CompletesBy; done: boolean; hasWork: boolean }> {
    if (completesByOf(mod) === 'form') {
      const n = (await forms.forModule(actor.id, mod.id)).length;
      return { completesBy: 'form', done: n > 0, hasWork: n > 0 };
    }
    if (completesByOf(mod) === 'prompts') {
      const answers = await responses.forModule(actor.id, mod.id);
      const answered = mod.prompts.filter((p) => (answers.get(p.id)?.text ?? '').trim() !== '').length;
      return { completesBy: 'prompts', done: answered === mod.prompts.length, hasWork: answered > 0 };
    }
    return { completesBy: 'marking', done: false, hasWork: false };
  }

  /** After a learner saved work on a module: completed when its work is all done, otherwise in progress. */
  async function workSaved(actor: Actor, pack: Pack, moduleId: string): Promise<void> {
    const mod = pack.modules.get(moduleId);
    if (!mod || actor.role !== 'learner') return;
    const work = await moduleWork(actor, mod);
    if (work.completesBy === 'marking') return;
    // All its work deleted (a form's last entry): the module is no longer completed.
    if (!work.hasWork) {
      if ((await progress.moduleStatus(actor, mod.id)) === 'completed')
        await progress.undoCompletion(actor, pack, mod.id, false);
      return;
    }
    await progress.recordWork(actor, mod.id, work.done);
  }

  /** The learner undoes a module's completion (in progress again if they have work saved on it). */
  async function undoCompletion(actor: Actor, pack: Pack, moduleId: string) {
    const mod = pack.modules.get(moduleId);
    const hasWork = mod && actor.role === 'learner' ? (await moduleWork(actor, mod)).hasWork : false;
    return progress.undoCompletion(actor, pack, moduleId, hasWork);
  }

  /** The modules before and after this one, in pack order. */
  /** The modules in reading order, worked out once per pack (a pack never changes once compiled). */
  const readingOrder = new WeakMap<Pack, Map<string, number> & { modules: Module[] }>();
  function neighbours(pack: Pack, mod: Module): { previous: Module | null; next: Module | null } {
    let order = readingOrder.get(pack);
    if (!order) {
      const modules = pack.sections.flatMap((s) => s.modules);
      order = Object.assign(new Map(modules.map((m, i) => [m.id, i])), { modules });
      readingOrder.set(pack, order);
    }
    const at = order.get(mod.id);
    if (at === undefined) return { previous: null, next: null };
    return { previous: order.modules[at - 1] ?? null, next: order.modules[at + 1] ?? null };
  }

  /** What a module page shows this person: their status, outcomes, answers, forms and actions. Writes nothing. */
  async function modulePage(actor: Actor, pack: Pack, mod: Module) {
    const learner = actor.role === 'learner';
    const [{ moduleStatus, outcomes: saved }, mine] = await Promise.all([
      progress.onModule(actor, mod.id, mod.outcomes),
      learner ? learnerWork(actor, mod) : {},
    ]);
    const completesBy = learner ? completesByOf(mod) : null;
    const outcomes = mod.outcomes.map((id) => {
      const o = pack.outcomes.get(id);
      const row = saved.get(id);
      const view = o ? outcomeViewOf(o, row) : undefined;
      return {
        id,
        text: o?.text ?? id,
        areaId: o?.areaId ?? '',
        standard: o?.standard ?? null,
        status: view?.status ?? 'not_started',
        evidence: row?.evidence ?? '',
        updatedAt: row?.updatedAt ?? null,
        returned: view?.returned ?? null,
      };
    });
    return {
      moduleStatus,
      completesBy,
      ...neighbours(pack, mod),
      outcomes,
      ...mine,
    };
  }

  async function learnerWork(actor: Actor, mod: Module): Promise<Record<string, unknown>> {
    const work: Record<string, unknown> = {};
    if (mod.prompts.length) work.responses = await responses.forModule(actor.id, mod.id);
    if (mod.form) {
      const [submissions, actions, raidPlans] = await Promise.all([
        forms.forModule(actor.id, mod.id),
        reports.actionsOf(actor.id),
        mod.id === RAID_REPORT ? forms.forModule(actor.id, RAID_PLAN) : undefined,
      ]);
      work.submissions = submissions;
      work.chart = forms.chartFor(mod, submissions);
      work.startingValues = forms.startingValues(mod, submissions);
      work.actions = actions.filter((a) => a.moduleId === mod.id);
      if (raidPlans) work.raidPlans = raidPlans;
    }
    return work;
  }

  /** A learner's home: assigned modules, the next thing to do, progress by area, open actions. */
  async function learnerHome(actor: Actor, pack: Pack) {
    const [assignments, actions, areas] = await Promise.all([
      progress.assignments(actor, pack),
      reports.actionsOf(actor.id),
      progress.areaTotals(actor.id, pack),
    ]);
    // Assignments come in due-date order: the next thing is the first one not completed, then the two after it.
    const open = assignments.filter((a) => a.status !== 'completed');
    const next = open[0];
    const after = open.slice(1, 3);
    const extra = {
      actions: actions.filter((a) => !a.done).slice(0, 5),
    };
    return { assignments, next, after, areas, extra };
  }

  /** A learner's progress: outcomes by area, assigned modules, answers, raids, self-assessments and actions. */
  async function learnerProgress(actor: Actor, pack: Pack) {
    const sa = selfAssessmentModule(pack);
    const [answers, assignments, raids, assessments, actions, areas] = await Promise.all([
      responses.forUser(actor.id),
      progress.assignments(actor, pack),
      reports.raidsOf(actor.id),
      sa ? forms.forModule(actor.id, sa.id) : [],
      reports.actionsOf(actor.id),
      progress.learnerProgress(actor.id, pack),
    ]);
    const byModule = new Map<
      string,
      { moduleId: string; title: string; answered: number; prompts: number }
    >();
    for (const a of answers) {
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
      assignments,
      answers: [...byModule.values()].sort((a, b) => order.indexOf(a.moduleId) - order.indexOf(b.moduleId)),
      raids,
      assessments,
      assessmentModule: sa?.id,
      actions,
    };
    return { areas, extra };
  }

  /** One outcome's edit page: the outcome, its area, what the learner recorded, its history and the modules that evidence it. */
  async function outcomePage(actor: Actor, pack: Pack, outcomeId: string) {
    const view = await progress.outcomeView(actor.id, pack, outcomeId);
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
    const saved = await responses.saveAll(actor, pack, ...rest);
    await workSaved(actor, pack, rest[0]);
    return saved;
  }

  async function saveAnswer(actor: Actor, pack: Pack, ...rest: DropTwo<ResponsesService['save']>) {
    const saved = await responses.save(actor, pack, ...rest);
    await workSaved(actor, pack, saved.moduleId);
    return saved;
  }

  async function submitEntry(actor: Actor, pack: Pack, ...rest: DropTwo<FormsService['submit']>) {
    const entry = await forms.submit(actor, pack, ...rest);
    await workSaved(actor, pack, rest[0]);
    return entry;
  }

  async function updateEntry(actor: Actor, pack: Pack, ...rest: DropTwo<FormsService['update']>) {
    const entry = await forms.update(actor, pack, ...rest);
    await workSaved(actor, pack, entry.moduleId);
    return entry;
  }

  async function removeEntry(actor: Actor, pack: Pack, moduleId: string, entryId: number): Promise<void> {
    await forms.remove(actor, moduleId, entryId);
    await workSaved(actor, pack, moduleId);
  }

  return {
    packFor,
    seenVersion,
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
