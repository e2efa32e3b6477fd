import type { Actor } from '../shared/actor';
import type { UnitOfWork } from '../db/ports';
import type { Pack, Module } from '../content/types';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import { assignmentStatus, type AssignmentStatus } from '../cohorts/cohorts.service';
import { today } from '../cohorts/cohorts.schema';
import type { EventsRepo } from '../events/events.repo';
import { Forbidden, Invalid, NotFound } from '../shared/errors';
import type { ModuleStatus, OutcomeProgress, OutcomeStatus, ProgressRepo } from './progress.repo';
import type { OutcomeUpdate } from './progress.schema';

type User = Actor;

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
  status: OutcomeStatus;
  evidence: string;
  updatedAt: Date | null;
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
  status: OutcomeStatus;
  evidence: string;
  updatedAt: Date;
  changed: boolean;
}

export function createProgressService(
  uow: UnitOfWork,
  progress: ProgressRepo,
  cohorts: CohortsRepo,
  events: EventsRepo,
) {
  function requireLearner(user: User): void {
    if (user.role !== 'learner') throw new Forbidden('Only learners record their own progress');
  }

  /** Assigned modules, one per module (earliest due date wins when two cohorts assign it), in due-date order. */
  function assignments(user: User, pack: Pack): LearnerAssignment[] {
    const seen = new Set<string>();
    const on = today();
    const out: LearnerAssignment[] = [];
    for (const a of cohorts.learnerAssignments(user.id)) {
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

  /** Opening a module marks it in progress (once): one read, and a write only the first time. */
  function openModule(user: User, mod: Module): ModuleStatus | null {
    if (user.role !== 'learner') return null;
    const existing = progress.module(user.id, mod.id);
    if (existing) return existing.status;
    uow.run(() => {
      if (progress.startModule(user.id, mod.id)) {
        events.append({
          userId: user.id,
          verb: 'experienced',
          objectType: 'module',
          objectId: mod.id,
          moduleId: mod.id,
        });
      }
    });
    return 'in_progress';
  }

  async function completeModule(
    user: User,
    pack: Pack,
    moduleId: string,
  ): Promise<{ moduleId: string; status: 'completed' }> {
    requireLearner(user);
    if (!pack.modules.has(moduleId)) throw new NotFound('No module with that id');
    await uow.runGrouped(() => {
      if (progress.completeModule(user.id, moduleId)) {
        const result = { completion: true };
        events.append({
          userId: user.id,
          verb: 'completed',
          objectType: 'module',
          objectId: moduleId,
          moduleId,
          result,
        });
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
    const prior = progress.outcome(user.id, outcomeId);
    if (prior && prior.status === data.status && prior.evidence === data.evidence) {
      return {
        outcomeId,
        status: prior.status,
        evidence: prior.evidence,
        updatedAt: prior.updatedAt,
        changed: false,
      };
    }
    const updatedAt = await uow.runGrouped(() => {
      const at = progress.setOutcome(user.id, outcomeId, data.status, data.evidence);
      events.append(
        {
          userId: user.id,
          verb: 'progressed',
          objectType: 'outcome',
          objectId: outcomeId,
          result: { status: data.status, completion: data.status === 'achieved' },
        },
        at,
      );
      return at;
    });
    return {
      outcomeId,
      status: data.status,
      evidence: data.evidence,
      updatedAt: new Date(updatedAt),
      changed: true,
    };
  }

  function outcomeMap(userId: number, only?: readonly string[]): Map<string, OutcomeProgress> {
    const rows = only ? progress.outcomesAmong(userId, only) : progress.outcomes(userId);
    return new Map(rows.map((r) => [r.outcomeId, r]));
  }

  /** The seven areas with achieved / total, and every outcome with status, evidence and date. */
  function learnerProgress(userId: number, pack: Pack): AreaProgress[] {
    const saved = outcomeMap(userId);
    return pack.areas.map((area) => {
      const outcomes = area.outcomes.map((o): OutcomeView => {
        const p = saved.get(o.id);
        return {
          id: o.id,
          text: o.text,
          status: p?.status ?? 'not_started',
          evidence: p?.evidence ?? '',
          updatedAt: p?.updatedAt ?? null,
        };
      });
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

  function moduleStatuses(userId: number): Map<string, ModuleStatus> {
    return new Map(progress.modules(userId).map((m) => [m.moduleId, m.status]));
  }

  return {
    assignments,
    openModule,
    completeModule,
    setOutcome,
    learnerProgress,
    outcomeMap,
    moduleStatuses,
    history: progress.history,
  };
}
export type ProgressService = ReturnType<typeof createProgressService>;
