import type { Actor } from '../shared/actor';
import type { Pack } from '../content/types';
import type { CohortsService } from '../cohorts/cohorts.service';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import type { UsersRepo } from '../users/users.repo';
import type { ProgressService } from '../progress/progress.service';
import type { ResponsesService } from '../responses/responses.service';
import type { FormsService, Submission } from '../forms/forms.service';
import { ratingChart } from '../forms/chart';
import { Forbidden, NotFound } from '../shared/errors';
import { today } from '../cohorts/cohorts.schema';

type User = Actor;

export const RAID_PLAN = 'raid-plan';
export const RAID_REPORT = 'raid-report';

/** The self-assessment is the activity whose id contains `self-assessment` (a variant may replace it). */
export function selfAssessmentModule(pack: Pack) {
  return [...pack.modules.values()].find((m) => m.id.includes('self-assessment') && m.form);
}

export function createReportsService(
  cohorts: CohortsService,
  cohortsRepo: CohortsRepo,
  users: UsersRepo,
  progress: ProgressService,
  responses: ResponsesService,
  forms: FormsService,
) {
  /** Raid plans with their reports (a report names its plan, or stands alone). */
  function raidsOf(userId: number, since = ''): { plan?: Submission; report?: Submission; title: string }[] {
    const all = forms.forUser(userId).filter((s) => s.updated_at >= since);
    const plans = all.filter((s) => s.moduleId === RAID_PLAN);
    const reports = all.filter((s) => s.moduleId === RAID_REPORT);
    const raids: { plan?: Submission; report?: Submission; title: string }[] = plans.map((plan) => ({
      plan,
      report: reports.find((r) => r.linkedId === plan.id),
      title: plan.title || `Raid plan ${plan.id}`,
    }));
    for (const report of reports) {
      if (!plans.some((p) => p.id === report.linkedId)) raids.push({ report, title: report.title || `Raid report ${report.id}` });
    }
    return raids;
  }

  function assessmentsOf(userId: number, pack: Pack, since = '') {
    const mod = selfAssessmentModule(pack);
    if (!mod?.form) return { module: undefined, attempts: [], chart: null };
    const attempts = forms.forModule(userId, mod.id).filter((s) => s.updated_at >= since);
    return { module: mod, attempts, chart: ratingChart(mod.form, attempts) };
  }

  function actionsOf(userId: number, since = '') {
    const on = today();
    const shown = since ? new Set(forms.forUser(userId).filter((s) => s.updated_at >= since).map((s) => s.id)) : undefined;
    return forms.actionsForUser(userId).filter((a) => !shown || shown.has(a.submission_id)).map((a) => ({ ...a, overdue: !a.done && a.due_on !== null && a.due_on < on }));
  }

  /**
   * Everything one learner has done, for their trainer (and admins); the trainer must run a cohort they are in.
   * A trainer sees only the work done since the learner joined this cohort: enrolling someone must not open up what
   * they wrote for other trainers' cohorts. Admins (L&D) see the whole record.
   */
  function learnerRecord(cohortId: number, learnerId: number, user: User) {
    const cohort = cohorts.manageable(cohortId, user);
    const joined = cohortsRepo.memberSince(cohortId, learnerId);
    if (joined === undefined) throw new NotFound('That person is not in this cohort');
    const learner = users.byId(learnerId);
    if (!learner) throw new NotFound('No such learner');
    const since = user.role === 'admin' ? '' : joined;
    const visible = (updatedAt: string | null | undefined) => !since || (updatedAt ?? '') >= since;
    const pack = cohorts.packOf(cohort);
    const answers = responses.forUser(learnerId).filter((r) => visible(r.updated_at)).map((r) => {
      const mod = pack.modules.get(r.module_id);
      const prompt = mod?.prompts.find((p) => p.id === r.prompt_id);
      return { moduleId: r.module_id, moduleTitle: mod?.title ?? r.module_id, promptId: r.prompt_id, question: prompt?.question ?? r.prompt_id, area: prompt?.area ?? '', text: r.text, shared: r.shared === 1, updatedAt: r.updated_at };
    });
    const otherForms = forms.forUser(learnerId).filter((s) => visible(s.updated_at)).filter((s) => s.moduleId !== RAID_PLAN && s.moduleId !== RAID_REPORT && s.moduleId !== selfAssessmentModule(pack)?.id);
    return {
      cohort,
      pack,
      learner: { id: learner.id, name: learner.name, email: learner.email },
      areas: progress.learnerProgress(learnerId, pack).map((area) => ({
        ...area,
        outcomes: area.outcomes.map((o) => (visible(o.updatedAt) ? o : { ...o, evidence: '' })),
      })),
      assignments: progress.assignments({ id: learnerId, email: learner.email, name: learner.name, role: 'learner' }, pack),
      answers,
      raids: raidsOf(learnerId, since),
      assessments: assessmentsOf(learnerId, pack, since),
      actions: actionsOf(learnerId, since),
      otherForms: otherForms.map((s) => ({ ...s, module: pack.modules.get(s.moduleId) })),
    };
  }

  /** Every raid report in a cohort, optionally just one learning area's learning points. */
  function cohortRaids(cohortId: number, user: User) {
    const cohort = cohorts.manageable(cohortId, user);
    const pack = cohorts.packOf(cohort);
    const reports = forms.inCohort(cohortId, RAID_REPORT).map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, Record<string, unknown>> }));
    return { cohort, pack, reports, reportModule: pack.modules.get(RAID_REPORT) };
  }

  /** Answers members chose to share: visible to the cohort's members and trainers only. */
  function sharedAnswers(cohortId: number, moduleId: string | undefined, user: User) {
    const cohort = cohortsRepo.get(cohortId);
    if (!cohort) throw new NotFound('No such cohort');
    const member = user.role === 'learner' && cohortsRepo.isMember(cohortId, user.id);
    if (!member) {
      if (user.role === 'learner') throw new Forbidden('You are not in this cohort');
      cohorts.manageable(cohortId, user);
    }
    const pack = cohorts.packOf(cohort);
    const counts = responses.sharedModulesInCohort(cohortId);
    const modules = counts.map((c) => ({ id: c.module_id, title: pack.modules.get(c.module_id)?.title ?? c.module_id, count: c.n }));
    const mod = moduleId ? pack.modules.get(moduleId) : undefined;
    const rows = mod ? responses.sharedInCohort(cohortId, mod.id) : [];
    const byPrompt = mod ? mod.prompts.map((p) => ({ prompt: p, answers: rows.filter((r) => r.prompt_id === p.id) })) : [];
    return { cohort, pack, modules, mod, byPrompt };
  }

  return { learnerRecord, cohortRaids, sharedAnswers, raidsOf, assessmentsOf, actionsOf };
}
export type ReportsService = ReturnType<typeof createReportsService>;
