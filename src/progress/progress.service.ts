import type { Actor } from '../shared/actor';
import type { UnitOfWork } from '../db/ports';
import type { Pack, Module } from '../content/types';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import { assignmentStatus, type AssignmentStatus } from '../cohorts/cohorts.service';
import { today } from '../cohorts/cohorts.schema';
import type { EventsRepo } from '../events/events.repo';
import { Forbidden, Invalid, NotFound } from '../shared/errors';
import { parseInput } from '../shared/validate';
import type { OutcomeProgressRow, OutcomeStatus, ProgressRepo } from './progress.repo';
import { outcomeUpdateSchema } from './progress.schema';

type User = Actor;

export interface LearnerAssignment {
  moduleId: string;
  title: string;
  kind: string;
  dueAt: string;
  status: AssignmentStatus;
  cohortId: number;
}

export function createProgressService(uow: UnitOfWork, progress: ProgressRepo, cohorts: CohortsRepo, events: EventsRepo) {
  function requireLearner(user: User): void {
    if (user.role !== 'learner') throw new Forbidden('Only learners record their own progress');
  }

  /** Assigned modules, one per module (earliest due date wins when two cohorts assign it), in due-date order. */
  function assignments(user: User, pack: Pack): LearnerAssignment[] {
    const seen = new Set<string>();
    const on = today();
    const out: LearnerAssignment[] = [];
    for (const row of cohorts.learnerAssignments(user.id)) {
      if (seen.has(row.module_id)) continue;
      const mod = pack.modules.get(row.module_id);
      if (!mod) continue;
      seen.add(row.module_id);
      out.push({ moduleId: row.module_id, title: mod.title, kind: mod.kind, dueAt: row.due_on, status: assignmentStatus(row.progress, row.due_on, on), cohortId: row.cohort_id });
    }
    return out;
  }

  /** Opening a module marks it in progress (once): one read, and a write only the first time. */
  function openModule(user: User, mod: Module): 'in_progress' | 'completed' | null {
    if (user.role !== 'learner') return null;
    const existing = progress.module(user.id, mod.id);
    if (existing) return existing.status;
    uow.run(() => {
      if (progress.startModule(user.id, mod.id)) {
        events.append({ userId: user.id, verb: 'experienced', objectType: 'module', objectId: mod.id, moduleId: mod.id });
      }
    });
    return 'in_progress';
  }

  async function completeModule(user: User, pack: Pack, moduleId: string): Promise<{ moduleId: string; status: 'completed' }> {
    requireLearner(user);
    if (!pack.modules.has(moduleId)) throw new NotFound('No module with that id');
    await uow.runGrouped(() => {
      if (progress.completeModule(user.id, moduleId)) {
        events.append({ userId: user.id, verb: 'completed', objectType: 'module', objectId: moduleId, moduleId, result: { completion: true } });
      }
    });
    return { moduleId, status: 'completed' };
  }

  /** Sets an outcome's status with evidence; the change, its history and its event are one transaction. */
  async function setOutcome(user: User, pack: Pack, outcomeId: string, input: unknown) {
    requireLearner(user);
    const outcome = pack.outcomes.get(outcomeId);
    if (!outcome) throw new NotFound('No outcome with that id in your pack');
    const data = parseInput(outcomeUpdateSchema, input);
    if (data.status === 'achieved' && data.evidence.trim() === '') {
      throw new Invalid([{ field: 'evidence', message: 'Write the evidence that shows you have achieved this outcome' }]);
    }
    const prior = progress.outcome(user.id, outcomeId);
    if (prior && prior.status === data.status && prior.evidence === data.evidence) {
      return { outcomeId, status: prior.status, evidence: prior.evidence, updatedAt: prior.updated_at, changed: false };
    }
    const updatedAt = await uow.runGrouped(() => {
      const at = progress.setOutcome(user.id, outcomeId, data.status, data.evidence);
      events.append({
        userId: user.id, verb: 'progressed', objectType: 'outcome', objectId: outcomeId,
        result: { status: data.status, completion: data.status === 'achieved' },
      }, at);
      return at;
    });
    return { outcomeId, status: data.status, evidence: data.evidence, updatedAt, changed: true };
  }

  function outcomeMap(userId: number, only?: readonly string[]): Map<string, OutcomeProgressRow> {
    const rows = only ? progress.outcomesAmong(userId, only) : progress.outcomes(userId);
    return new Map(rows.map((r) => [r.outcome_id, r]));
  }

  /** The seven areas with achieved / total, and every outcome with status, evidence and date. */
  function learnerProgress(userId: number, pack: Pack) {
    const rows = outcomeMap(userId);
    return pack.areas.map((area) => {
      const outcomes = area.outcomes.map((o) => {
        const row = rows.get(o.id);
        return { id: o.id, text: o.text, status: (row?.status ?? 'not_started') as OutcomeStatus, evidence: row?.evidence ?? '', updatedAt: row?.updated_at ?? null };
      });
      return { id: area.id, short: area.short, title: area.title, moduleId: area.moduleId, outcomes, achieved: outcomes.filter((o) => o.status === 'achieved').length, total: outcomes.length };
    });
  }

  function moduleStatuses(userId: number): Map<string, 'in_progress' | 'completed'> {
    return new Map(progress.modules(userId).map((r) => [r.module_id, r.status]));
  }

  return { assignments, openModule, completeModule, setOutcome, learnerProgress, outcomeMap, moduleStatuses, history: progress.history };
}
export type ProgressService = ReturnType<typeof createProgressService>;
