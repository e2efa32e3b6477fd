import type { Actor } from '../shared/actor';
import type { UnitOfWork } from '../db/ports';
import type { Outcome, Pack } from '../content/types';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import { assignmentStatus, type AssignmentStatus } from '../cohorts/assignments.service';
import { isoOf, todayOf, type Clock } from '../shared/clock';
import type { EventsRepo } from '../events/events.repo';
import { Forbidden, Invalid, NotFound } from '../shared/errors';
import type { ModuleStatus, OutcomeProgress, ProgressRepo } from './progress.repo';
import type { OutcomeUpdate } from './progress.schema';
import { outcomeStatus, type OutcomeStatus as ShownStatus } from './status';
import type { ReviewsRepo } from '../reviews/reviews.repo';
import type { AreaWatch } from '../reviews/area-watch';

type User = Actor;

export type ModuleChangeListener = (
  userId: number,
  moduleId: string,
  state: 'completed' | 'in_progress' | 'not_started',
  at: string,
) => Promise<void>;

export interface LearnerAssignment {
  moduleId: string;
  title: string;
  kind: string;
  dueAt: string;
  status: AssignmentStatus;
  cohortId: number;
}

/** An outcome as a learner's progress shows it. */
export interface OutcomeView {
  id: string;
  text: string;
  status: ShownStatus;
  evidence: string;
  updatedAt: Date | null;
  /** Who confirmed it and when (achieved by a trainer's confirmation), or null. */
  confirmed: { by: string; at: Date; comment: string } | null;
  /** The trainer's feedback when they returned it and the learner has not resubmitted yet, or null. */
  returned: { by: string; at: Date; comment: string } | null;
}

/** An outcome of the pack as the learner's saved row (if any) makes it look: the one rating rule, applied. */
export function outcomeViewOf(o: Outcome, p: OutcomeProgress | undefined): OutcomeView {
  const r = p?.review;
  const decided = r?.decidedAt ? { by: r.decidedBy ?? '', at: r.decidedAt, comment: r.comment } : null;
  const status = p
    ? outcomeStatus(p.status, p.status === 'achieved' ? r?.decision : undefined, o.review)
    : 'not_started';
  return {
    id: o.id,
    text: o.text,
    status,
    evidence: p?.evidence ?? '',
    updatedAt: p?.updatedAt ?? null,
    confirmed: status === 'achieved' && r?.decision === 'confirmed' ? decided : null,
    returned: p?.status === 'in_progress' && r?.decision === 'returned' ? decided : null,
  };
}

export interface AreaProgress {
  id: string;
  short: string;
  title: string;
  moduleId: string;
  outcomes: OutcomeView[];
  achieved: number;
  total: number;
}

export interface OutcomeSaved {
  outcomeId: string;
  /** Where the learner now stands (outcomeStatus): achieved evidence may wait for review. */
  status: ShownStatus;
  evidence: string;
  updatedAt: Date;
  changed: boolean;
}

export function createProgressService(
  uow: UnitOfWork,
  progress: ProgressRepo,
  cohorts: CohortsRepo,
  events: EventsRepo,
  clock: Clock,
  reviewing: { submissions: ReviewsRepo; watch: AreaWatch },
  /**
   * Told, inside the transaction that records it, when a learner completes a module or undoes a completion (grade
   * passback to a learning platform enqueues its jobs here, so a score exists exactly when the change does).
   */
  onModuleChange: ModuleChangeListener = async () => undefined,
) {
  function requireLearner(user: User): void {
    if (user.role !== 'learner') throw new Forbidden('Only learners record their own progress');
  }

  /** Assigned modules, one per module (earliest due date wins when two cohorts assign it), in due-date order. */
  async function assignments(user: User, pack: Pack): Promise<LearnerAssignment[]> {
    const seen = new Set<string>();
    const on = todayOf(clock);
    const out: LearnerAssignment[] = [];
    for (const a of await cohorts.learnerAssignments(user.id)) {
      if (seen.has(a.moduleId)) continue;
      const mod = pack.modules.get(a.moduleId);
      if (!mod) continue;
      seen.add(a.moduleId);
      const status = assignmentStatus(a.progress, a.dueOn, on);
      out.push({
        moduleId: a.moduleId,
        title: mod.title,
        kind: mod.kind,
        dueAt: a.dueOn,
        status,
        cohortId: a.cohortId,
      });
    }
    return out;
  }

  /** A learner's state on a module, read only: opening a module page is not progress and writes nothing. */
  async function moduleStatus(user: User, moduleId: string): Promise<ModuleStatus | null> {
    if (user.role !== 'learner') return null;
    return (await progress.module(user.id, moduleId))?.status ?? null;
  }

  /**
   * What the module page shows of the learner's own progress: their state on the module and on its outcomes (by id),
   * read at once. Staff have neither.
   */
  async function onModule(
    user: User,
    moduleId: string,
    outcomeIds: readonly string[],
  ): Promise<{ moduleStatus: ModuleStatus | null; outcomes: Map<string, OutcomeProgress> }> {
    if (user.role !== 'learner') return { moduleStatus: null, outcomes: new Map() };
    const read = await progress.moduleAndOutcomes(user.id, moduleId, outcomeIds);
    return { moduleStatus: read.moduleStatus, outcomes: new Map(read.outcomes.map((o) => [o.outcomeId, o])) };
  }

  /**
   * Work was saved on a module (an answer, a form): it is completed when `done` (the form submitted, every prompt
   * answered), otherwise in progress. The first work on a module records that the learner started it.
   */
  async function recordWork(user: User, moduleId: string, done: boolean): Promise<ModuleStatus | null> {
    if (user.role !== 'learner') return null;
    return uow.runGrouped(async () => {
      const prior = await progress.module(user.id, moduleId);
      const now = isoOf(clock);
      if (!prior && !done && (await progress.startModule(user.id, moduleId, now))) {
        await events.append(
          {
            userId: user.id,
            verb: 'experienced',
            objectType: 'module',
            objectId: moduleId,
            moduleId,
          },
          now,
        );
      }
      if (done && (await progress.completeModule(user.id, moduleId, now))) {
        await events.append(
          {
            userId: user.id,
            verb: 'completed',
            objectType: 'module',
            objectId: moduleId,
            moduleId,
            result: { completion: true },
          },
          now,
        );
        await onModuleChange(user.id, moduleId, 'completed', now);
      }
      return done ? 'completed' : (prior?.status ?? 'in_progress');
    });
  }

  /** The learner undoes a completion: in progress again when they have work saved on it, otherwise not started. */
  async function undoCompletion(
    user: User,
    pack: Pack,
    moduleId: string,
    hasWork: boolean,
  ): Promise<{ moduleId: string; status: 'in_progress' | 'not_started' }> {
    requireLearner(user);
    if (!pack.modules.has(moduleId)) throw new NotFound('No module with that id');
    await uow.runGrouped(async () => {
      if (await progress.uncompleteModule(user.id, moduleId, hasWork))
        await onModuleChange(user.id, moduleId, hasWork ? 'in_progress' : 'not_started', isoOf(clock));
    });
    return { moduleId, status: hasWork ? 'in_progress' : 'not_started' };
  }

  async function completeModule(
    user: User,
    pack: Pack,
    moduleId: string,
  ): Promise<{ moduleId: string; status: 'completed' }> {
    requireLearner(user);
    if (!pack.modules.has(moduleId)) throw new NotFound('No module with that id');
    await uow.runGrouped(async () => {
      const now = isoOf(clock);
      if (await progress.completeModule(user.id, moduleId, now)) {
        const result = { completion: true };
        await events.append(
          {
            userId: user.id,
            verb: 'completed',
            objectType: 'module',
            objectId: moduleId,
            moduleId,
            result,
          },
          now,
        );
        await onModuleChange(user.id, moduleId, 'completed', now);
      }
    });
    return { moduleId, status: 'completed' };
  }

  /** Sets an outcome's status with evidence; the change, its history and its event are one transaction. */
  async function setOutcome(
    user: User,
    pack: Pack,
    outcomeId: string,
    data: OutcomeUpdate,
  ): Promise<OutcomeSaved> {
    requireLearner(user);
    const outcome = pack.outcomes.get(outcomeId);
    if (!outcome) throw new NotFound('No outcome with that id in your pack');
    if (data.status === 'achieved' && data.evidence.trim() === '') {
      throw new Invalid([
        { field: 'evidence', message: 'Write the evidence that shows you have achieved this outcome' },
      ]);
    }
    const prior = await progress.outcome(user.id, outcomeId);
    if (prior && prior.status === data.status && prior.evidence === data.evidence) {
      return {
        outcomeId,
        status: outcomeStatus(prior.status, prior.review?.decision, outcome.review),
        evidence: prior.evidence,
        updatedAt: prior.updatedAt,
        changed: false,
      };
    }
    // Achieved evidence is a submission for review (kept even where the outcome is self-assessed, so a pack that
    // later asks for review finds it waiting); a new claim replaces the one under review.
    const status = outcomeStatus(data.status, data.status === 'achieved' ? null : undefined, outcome.review);
    const updatedAt = await uow.runGrouped(async () => {
      const now = isoOf(clock);
      return reviewing.watch.around(user.id, pack, outcomeId, now, async () => {
        const at = await progress.setOutcome(user.id, outcomeId, data.status, data.evidence, now);
        if (data.status === 'achieved') {
          const id = await reviewing.submissions.submit(user.id, outcomeId, data.evidence, data.note, at);
          await progress.linkReview(user.id, outcomeId, id);
        }
        await events.append(
          {
            userId: user.id,
            verb: 'progressed',
            objectType: 'outcome',
            objectId: outcomeId,
            result: { status, completion: status === 'achieved' },
          },
          at,
        );
        return at;
      });
    });
    return {
      outcomeId,
      status,
      evidence: data.evidence,
      updatedAt: new Date(updatedAt),
      changed: true,
    };
  }

  async function outcomeMap(userId: number): Promise<Map<string, OutcomeProgress>> {
    const rows = await progress.outcomes(userId);
    return new Map(rows.map((r) => [r.outcomeId, r]));
  }

  /** The seven areas with achieved / total, and every outcome with status, evidence and date. */
  async function learnerProgress(userId: number, pack: Pack): Promise<AreaProgress[]> {
    const saved = await outcomeMap(userId);
    return pack.areas.map((area) => {
      const outcomes = area.outcomes.map((o) => outcomeViewOf(o, saved.get(o.id)));
      return {
        id: area.id,
        short: area.short,
        title: area.title,
        moduleId: area.moduleId,
        outcomes,
        achieved: outcomes.filter((o) => o.status === 'achieved').length,
        total: outcomes.length,
      };
    });
  }

  /** The areas with achieved / total only (the learner's home): no outcome's evidence is read. */
  async function areaTotals(userId: number, pack: Pack): Promise<Omit<AreaProgress, 'outcomes'>[]> {
    const claimed = new Map((await progress.achievedOutcomes(userId)).map((a) => [a.outcomeId, a.decision]));
    const achieved = (o: Outcome) =>
      claimed.has(o.id) && outcomeStatus('achieved', claimed.get(o.id), o.review) === 'achieved';
    return pack.areas.map((area) => ({
      id: area.id,
      short: area.short,
      title: area.title,
      moduleId: area.moduleId,
      achieved: area.outcomes.filter(achieved).length,
      total: area.outcomes.length,
    }));
  }

  /** One outcome as the learner's edit page shows it, with its area and its history (newest first). */
  async function outcomeView(userId: number, pack: Pack, outcomeId: string) {
    const outcome = pack.outcomes.get(outcomeId);
    if (!outcome) throw new NotFound('There is no outcome with that id in your pack');
    const area = pack.areas.find((a) => a.id === outcome.areaId);
    const [p, history, reviews] = await Promise.all([
      progress.outcome(userId, outcomeId),
      progress.history(userId, outcomeId),
      reviewing.submissions.forLearner(userId, outcomeId),
    ]);
    const view = outcomeViewOf(outcome, p);
    return {
      outcome: { ...view, standard: outcome.standard ?? null, review: outcome.review },
      area,
      history,
      /** The trainers' decisions on what the learner submitted, newest first. */
      reviews: reviews.filter((r) => r.decision !== null),
    };
  }

  /** The trainers' decisions on a learner's evidence (confirmed, returned), newest first: part of their record. */
  async function decisions(userId: number) {
    return (await reviewing.submissions.forLearner(userId)).filter((r) => r.decision !== null);
  }

  async function moduleStatuses(userId: number): Promise<Map<string, ModuleStatus>> {
    return new Map((await progress.modules(userId)).map((m) => [m.moduleId, m.status]));
  }

  return {
    assignments,
    moduleStatus,
    onModule,
    recordWork,
    undoCompletion,
    completeModule,
    setOutcome,
    learnerProgress,
    areaTotals,
    outcomeMap,
    outcomeView,
    moduleStatuses,
    decisions,
    history: progress.history,
  };
}
export type ProgressService = ReturnType<typeof createProgressService>;
