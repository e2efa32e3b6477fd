import type { Pack } from '../content/types';
import type { CohortsService } from '../cohorts/cohorts.service';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import type { UsersRepo } from '../users/users.repo';
import type { ProgressService } from '../progress/progress.service';
import type { ResponsesService } from '../responses/responses.service';
import type { FormsService, FormEntry } from '../forms/forms.service';
import type { Action } from '../forms/forms.repo';
import { ratingChart } from '../forms/chart';
import type { Actor } from '../shared/actor';
import { Forbidden, NotFound } from '../shared/errors';
import { todayOf, type Clock } from '../shared/clock';

export const RAID_PLAN = 'raid-plan';
export const RAID_REPORT = 'raid-report';

/** A raid: its plan, its report, or both. */
export interface Raid {
  plan?: FormEntry;
  report?: FormEntry;
  title: string;
}

/** An action with whether its due day has passed while it is open. */
export interface ActionStatus extends Action {
  overdue: boolean;
}

/** The self-assessment is the activity whose id contains `self-assessment` (a variant may replace it). */
export function selfAssessmentModule(pack: Pack) {
  return [...pack.modules.values()].find((m) => m.id.includes('self-assessment') && m.form);
}

/** Work done at or after `since` (everything when there is no `since`). */
function doneSince(since: Date | null) {
  return (at: Date | null | undefined) => !since || (at != null && at >= since);
}

export function createReportsService(
  cohorts: CohortsService,
  cohortsRepo: CohortsRepo,
  users: UsersRepo,
  progress: ProgressService,
  responses: ResponsesService,
  forms: FormsService,
  clock: Clock,
) {
  /** Raid plans with their reports (a report names its plan, or stands alone). */
  async function raidsOf(userId: number, since: Date | null = null): Promise<Raid[]> {
    const visible = doneSince(since);
    const all = (await forms.forUser(userId)).filter((s) => visible(s.updatedAt));
    const plans = all.filter((s) => s.moduleId === RAID_PLAN);
    const reports = all.filter((s) => s.moduleId === RAID_REPORT);
    const raids: Raid[] = plans.map((plan) => ({
      plan,
      report: reports.find((r) => r.linkedId === plan.id),
      title: plan.title || `Raid plan ${plan.id}`,
    }));
    for (const report of reports) {
      if (!plans.some((p) => p.id === report.linkedId))
        raids.push({ report, title: report.title || `Raid report ${report.id}` });
    }
    return raids;
  }

  async function assessmentsOf(userId: number, pack: Pack, since: Date | null = null) {
    const mod = selfAssessmentModule(pack);
    if (!mod?.form) return { module: undefined, attempts: [], chart: null };
    const visible = doneSince(since);
    const attempts = (await forms.forModule(userId, mod.id)).filter((s) => visible(s.updatedAt));
    return { module: mod, attempts, chart: ratingChart(mod.form, attempts) };
  }

  async function actionsOf(userId: number, since: Date | null = null): Promise<ActionStatus[]> {
    const on = todayOf(clock);
    const visible = doneSince(since);
    const shown = since
      ? new Set((await forms.forUser(userId)).filter((s) => visible(s.updatedAt)).map((s) => s.id))
      : undefined;
    return (await forms.actionsForUser(userId))
      .filter((a) => !shown || shown.has(a.submissionId))
      .map((a) => ({ ...a, overdue: !a.done && a.dueOn !== null && a.dueOn < on }));
  }

  /** Everything one person has done in a pack: work at or after `since` (everything when there is no `since`). */
  async function recordOf(
    learner: { id: number; name: string; email: string },
    pack: Pack,
    since: Date | null,
  ) {
    const visible = doneSince(since);
    const learnerId = learner.id;
    const [answerRows, formRows, areaRows, assignments, raids, assessments, actions, decided] =
      await Promise.all([
        responses.forUser(learnerId),
        forms.forUser(learnerId),
        progress.learnerProgress(learnerId, pack),
        progress.assignments(
          { id: learnerId, email: learner.email, name: learner.name, role: 'learner' },
          pack,
        ),
        raidsOf(learnerId, since),
        assessmentsOf(learnerId, pack, since),
        actionsOf(learnerId, since),
        progress.decisions(learnerId),
      ]);
    // every decision on the learner's evidence: who, when, what was said (the trainer's view: those since joining)
    const reviewsOf = new Map<string, typeof decided>();
    for (const r of decided) {
      if (!r.decidedAt || !visible(r.decidedAt)) continue;
      reviewsOf.set(r.outcomeId, [...(reviewsOf.get(r.outcomeId) ?? []), r]);
    }
    const answers = answerRows
      .filter((r) => visible(r.updatedAt))
      .map((r) => {
        const mod = pack.modules.get(r.moduleId);
        const prompt = mod?.prompts.find((p) => p.id === r.promptId);
        return {
          moduleId: r.moduleId,
          moduleTitle: mod?.title ?? r.moduleId,
          promptId: r.promptId,
          question: prompt?.question ?? r.promptId,
          area: prompt?.area ?? '',
          text: r.text,
          shared: r.shared,
          updatedAt: r.updatedAt,
        };
      });
    const sa = selfAssessmentModule(pack)?.id;
    const otherForms = formRows
      .filter((s) => visible(s.updatedAt))
      .filter((s) => s.moduleId !== RAID_PLAN && s.moduleId !== RAID_REPORT && s.moduleId !== sa);
    return {
      pack,
      learner: { id: learner.id, name: learner.name, email: learner.email },
      areas: areaRows.map((area) => ({
        ...area,
        outcomes: area.outcomes.map((o) => ({
          ...(visible(o.updatedAt) ? o : { ...o, evidence: '' }),
          reviews: reviewsOf.get(o.id) ?? [],
        })),
      })),
      assignments,
      answers,
      raids,
      assessments,
      actions,
      otherForms: otherForms.map((s) => ({ ...s, module: pack.modules.get(s.moduleId) })),
    };
  }

  /**
   * Everything one learner has done, for their trainer (and admins); the trainer must run a cohort they are in.
   * A trainer sees only the work done since the learner joined this cohort: enrolling someone must not open up what
   * they wrote for other trainers' cohorts. Admins (L&D) see the whole record.
   */
  async function learnerRecord(cohortId: number, learnerId: number, actor: Actor) {
    const cohort = await cohorts.manageable(cohortId, actor);
    const joined = await cohortsRepo.memberSince(cohortId, learnerId);
    if (joined === undefined) throw new NotFound('That person is not in this cohort');
    const learner = await users.byId(learnerId);
    if (!learner) throw new NotFound('No such learner');
    const since = actor.role === 'admin' ? null : joined;
    return { cohort, ...(await recordOf(learner, await cohorts.packOf(cohort), since)) };
  }

  /** A person's own learning record, whole, in the pack they see: to print or download for an appraisal. */
  async function ownRecord(actor: Actor) {
    return recordOf(actor, await cohorts.packFor(actor), null);
  }

  /**
   * The evidence each member of a cohort has written, by learner id then outcome id, for the progress CSV. As in the
   * learner record, a trainer sees only evidence written since the learner joined the cohort; admins see it all.
   */
  async function cohortEvidence(
    cohortId: number,
    actor: Actor,
  ): Promise<Map<number, Record<string, string>>> {
    await cohorts.manageable(cohortId, actor);
    const members = await cohortsRepo.members(cohortId);
    const outcomeMaps = await Promise.all(members.map((m) => progress.outcomeMap(m.id)));
    const out = new Map<number, Record<string, string>>();
    members.forEach((m, i) => {
      const since = actor.role === 'admin' ? null : m.addedAt;
      const visible = doneSince(since);
      const evidence: Record<string, string> = {};
      for (const [id, row] of outcomeMaps[i]) {
        if (row.evidence && visible(row.updatedAt)) evidence[id] = row.evidence;
      }
      out.set(m.id, evidence);
    });
    return out;
  }

  /** Every raid report in a cohort, for its trainers. */
  async function cohortRaids(cohortId: number, actor: Actor) {
    const cohort = await cohorts.manageable(cohortId, actor);
    const [pack, reports] = await Promise.all([
      cohorts.packOf(cohort),
      forms.inCohort(cohortId, RAID_REPORT),
    ]);
    return {
      cohort,
      pack,
      reports,
      reportModule: pack.modules.get(RAID_REPORT),
    };
  }

  /** Answers members chose to share: visible to the cohort's members and trainers only. */
  async function sharedAnswers(cohortId: number, moduleId: string | undefined, actor: Actor) {
    const cohort = await cohortsRepo.get(cohortId);
    if (!cohort) throw new NotFound('No such cohort');
    const member = actor.role === 'learner' && (await cohortsRepo.isMember(cohortId, actor.id));
    if (!member) {
      if (actor.role === 'learner') throw new Forbidden('You are not in this cohort');
      await cohorts.manageable(cohortId, actor);
    }
    const [pack, counts] = await Promise.all([
      cohorts.packOf(cohort),
      responses.sharedModulesInCohort(cohortId),
    ]);
    const modules = counts.map((c) => ({
      id: c.moduleId,
      title: pack.modules.get(c.moduleId)?.title ?? c.moduleId,
      count: c.count,
    }));
    const mod = moduleId ? pack.modules.get(moduleId) : undefined;
    const rows = mod ? await responses.sharedInCohort(cohortId, mod.id) : [];
    const byPrompt = mod
      ? mod.prompts.map((p) => ({ prompt: p, answers: rows.filter((r) => r.promptId === p.id) }))
      : [];
    return { cohort, pack, modules, mod, byPrompt };
  }

  return {
    learnerRecord,
    ownRecord,
    cohortEvidence,
    cohortRaids,
    sharedAnswers,
    raidsOf,
    assessmentsOf,
    actionsOf,
  };
}
export type ReportsService = ReturnType<typeof createReportsService>;
