import { coalesced } from '../shared/coalesce';
import type { Actor } from '../shared/actor';
import { todayOf, type Clock } from '../shared/clock';
import type { Pack } from '../content/types';
import type { ProgressRepo } from '../progress/progress.repo';
import { outcomeViewOf } from '../progress/progress.service';
import {
  outcomeStatus,
  type ClaimedStatus,
  type OutcomeStatus,
  type ReviewDecision,
} from '../progress/status';
import { NotFound } from '../shared/errors';
import type { UsersRepo } from '../users/users.repo';
import { assignmentStatus, type AssignmentStatus } from './assignments.service';
import type { Cohort, CohortsRepo } from './cohorts.repo';
import { titled, type CohortAccess, type CohortAssignment } from './cohorts.service';

export interface MatrixLearner {
  id: number;
  email: string;
  name: string;
  readonly outcomes: Record<string, OutcomeStatus>;
  completedModules: string[];
  modules: Record<string, AssignmentStatus>;
  readonly achieved: number;
  /** Outcomes in progress (not achieved). */
  readonly inProgress: number;
  /** Outcomes whose evidence waits for a trainer's review. */
  readonly awaitingReview: number;
  /** Assigned modules past their due date and not completed. */
  overdue: number;
  lastSignedInAt: Date | null;
  /**
   * The statuses as the matrix query read them (`LI1=achieved,ME2=in_progress`, those not started absent), when the
   * learner comes from it: the matrix keeps a row until these change.
   */
  cells?: string;
}

/** Learners × outcomes (and × assigned modules) for one cohort. */
export interface CohortMatrix {
  cohort: Cohort;
  pack: Pack;
  outcomeIds: string[];
  assignments: CohortAssignment[];
  learners: MatrixLearner[];
  /** The day (London, `YYYY-MM-DD`) the statuses were worked out for: overdue means due before it. */
  today: string;
}

/**
 * A learner's row of the matrix. Their statuses are read from `cells` (`LI1=achieved,ME2=in_progress`) into an object
 * over every outcome of the pack, in its order, only when something asks: the page keeps a row's HTML while `cells`
 * stays the same, so most requests never need them.
 */
class LearnerRow implements MatrixLearner {
  completedModules: string[] = [];
  modules: Record<string, AssignmentStatus> = {};
  overdue = 0;
  cells?: string;
  private statuses?: Record<string, OutcomeStatus>;

  constructor(
    readonly id: number,
    readonly email: string,
    readonly name: string,
    readonly lastSignedInAt: Date | null,
    private readonly notStarted: Record<string, OutcomeStatus>,
  ) {}

  get outcomes(): Record<string, OutcomeStatus> {
    return (this.statuses ??= statusesFromCells(this.cells ?? '', this.notStarted));
  }

  get achieved(): number {
    return occurrences(this.cells ?? '', '=achieved');
  }

  get inProgress(): number {
    return occurrences(this.cells ?? '', '=in_progress');
  }

  get awaitingReview(): number {
    return occurrences(this.cells ?? '', '=awaiting_review');
  }
}

const DECISIONS: Record<string, ReviewDecision | null> = { c: 'confirmed', r: 'returned', w: null };

/**
 * The query's claims (`LI1=achieved:c,LI2=achieved:w,ME2=in_progress`: an achieved claim carries its submission's
 * decision) as the statuses the matrix shows (`LI1=achieved,LI2=awaiting_review,ME2=in_progress`), by the one rating
 * rule with each outcome's review rule from the cohort's pack.
 */
export function shownCells(claims: string, pack: Pack): string {
  if (!claims.includes('=achieved')) return claims;
  let known = shownByPack.get(pack);
  if (!known) shownByPack.set(pack, (known = new Map()));
  let shown = known.get(claims);
  if (shown === undefined) {
    shown = applyRule(claims, pack);
    if (known.size >= SHOWN_KEPT) known.clear();
    known.set(claims, shown);
  }
  return shown;
}

// A learner's shown statuses change only when their claims do: kept per pack (collected with it), like the rows of
// matrix.view, so a reload during a workshop applies the rule only to the learners who recorded something.
const shownByPack = new WeakMap<Pack, Map<string, string>>();
const SHOWN_KEPT = 20_000;

function applyRule(claims: string, pack: Pack): string {
  let out = '';
  for (const cell of claims.split(',')) {
    const eq = cell.indexOf('=');
    const id = cell.slice(0, eq);
    const [claimed, code] = cell.slice(eq + 1).split(':') as [ClaimedStatus, string | undefined];
    const rule = pack.outcomes.get(id)?.review ?? 'trainer';
    const decision = code === undefined ? undefined : DECISIONS[code];
    out += `${out ? ',' : ''}${id}=${outcomeStatus(claimed, decision, rule)}`;
  }
  return out;
}

/** How many times `what` occurs in `text`. */
function occurrences(text: string, what: string): number {
  let n = 0;
  for (let at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length)) n++;
  return n;
}

/** `LI1=achieved,ME2=in_progress` over a copy of `base` (every outcome of the pack not started, in its order). */
function statusesFromCells(
  cells: string,
  base: Record<string, OutcomeStatus>,
): Record<string, OutcomeStatus> {
  const statuses = { ...base };
  for (let from = 0; from < cells.length;) {
    const eq = cells.indexOf('=', from);
    let end = cells.indexOf(',', eq);
    if (end < 0) end = cells.length;
    statuses[cells.slice(from, eq)] = cells.slice(eq + 1, end) as OutcomeStatus;
    from = end + 1;
  }
  return statuses;
}

export interface MatrixDeps {
  cohorts: CohortsRepo;
  users: UsersRepo;
  progress: ProgressRepo;
  access: CohortAccess;
  clock: Clock;
}

/**
 * The matrix read model: learners × outcomes and × assigned modules for one cohort, and the evidence behind one cell.
 * It only reads; the page is built from it by matrix.view (in code, for the measured reason given there).
 */
export function createMatrixService({ cohorts, users, progress, access, clock }: MatrixDeps) {
  /**
   * Learners × outcomes in a fixed number of queries, however large the cohort. Trainers watching one cohort at once
   * (a workshop on a projector and on each trainer's laptop) share reads: see `coalesced` for why none sees data older
   * than its request. The result is shared, so it is read only: pages sort and filter copies.
   */
  async function matrix(cohortId: number, user: Actor): Promise<CohortMatrix> {
    await access.manageable(cohortId, user);
    return matrixReads(cohortId);
  }

  const matrixReads = coalesced(readMatrix);

  async function readMatrix(cohortId: number): Promise<CohortMatrix> {
    const cohort = await cohorts.get(cohortId);
    if (!cohort) throw new NotFound('No such cohort');
    const [pack, list, members, outcomesByUser, moduleRows] = await Promise.all([
      access.packOf(cohort),
      cohorts.assignments(cohortId),
      cohorts.members(cohortId),
      progress.cohortOutcomes(cohortId),
      progress.cohortModules(cohortId),
    ]);
    const assignments = titled(list, pack);
    const outcomeIds = pack.areas.flatMap((a) => a.outcomes.map((o) => o.id));
    const notStarted: Record<string, OutcomeStatus> = {};
    for (const id of outcomeIds) notStarted[id] = 'not_started';
    const byUser = new Map<number, LearnerRow>();
    for (const m of members)
      byUser.set(m.id, new LearnerRow(m.id, m.email, m.name, m.lastSignedInAt, notStarted));
    for (const [userId, cells] of outcomesByUser) {
      const learner = byUser.get(userId);
      if (!learner) continue;
      learner.cells = shownCells(cells, pack);
    }
    const progressOf = new Map<number, Map<string, string>>();
    for (const m of moduleRows) {
      let mine = progressOf.get(m.userId);
      if (!mine) progressOf.set(m.userId, (mine = new Map()));
      mine.set(m.moduleId, m.status);
    }
    const on = todayOf(clock);
    for (const learner of byUser.values()) {
      const mine = progressOf.get(learner.id);
      for (const a of assignments) {
        const status = assignmentStatus(mine?.get(a.moduleId) ?? null, a.dueAt, on);
        learner.modules[a.moduleId] = status;
        if (status === 'completed') learner.completedModules.push(a.moduleId);
        else if (status === 'overdue') learner.overdue++;
      }
    }
    return { cohort, pack, outcomeIds, assignments, learners: [...byUser.values()], today: on };
  }

  /**
   * One learner's evidence for one outcome, for the cell of the matrix that was clicked. As with the learning record,
   * a trainer sees only what was written since the learner joined this cohort; admins see it all.
   */
  async function outcomeEvidence(cohortId: number, learnerId: number, outcomeId: string, user: Actor) {
    const cohort = await access.manageable(cohortId, user);
    const joined = Number.isInteger(learnerId) ? await cohorts.memberSince(cohortId, learnerId) : undefined;
    if (!joined) throw new NotFound('That person is not in this cohort');
    const learner = await users.byId(learnerId);
    if (!learner) throw new NotFound('No such learner');
    const pack = await access.packOf(cohort);
    const area = pack.areas.find((a) => a.outcomes.some((o) => o.id === outcomeId));
    const outcome = area?.outcomes.find((o) => o.id === outcomeId);
    if (!area || !outcome) throw new NotFound('No such outcome in this cohort’s pack');
    const since = user.role === 'admin' ? null : joined;
    const visible = (at: Date) => !since || at >= since;
    const [current, allHistory, learnerModules] = await Promise.all([
      progress.outcome(learnerId, outcomeId),
      progress.history(learnerId, outcomeId),
      progress.modules(learnerId),
    ]);
    const shown = current && visible(current.updatedAt) ? current : undefined;
    const history = allHistory.filter((h) => visible(h.changedAt));
    const done = new Map(learnerModules.map((m) => [m.moduleId, m]));
    const modules = [...pack.modules.values()]
      .filter((m) => m.outcomes.includes(outcomeId))
      .map((m) => {
        const p = done.get(m.id);
        const at = p?.completedAt ?? p?.startedAt;
        return {
          id: m.id,
          title: m.title,
          status: p && at && visible(at) ? p.status : ('not_started' as const),
        };
      });
    return {
      cohort,
      learner: { id: learner.id, name: learner.name, email: learner.email },
      area: { id: area.id, title: area.title },
      outcome: { id: outcome.id, text: outcome.text },
      status: current ? outcomeViewOf(outcome, current).status : 'not_started',
      confirmed: shown ? outcomeViewOf(outcome, shown).confirmed : null,
      returned: shown ? outcomeViewOf(outcome, shown).returned : null,
      waitingReviewId:
        shown?.status === 'achieved' && shown.review?.decision === null ? shown.review.id : null,
      evidence: shown?.evidence ?? '',
      updatedAt: shown?.updatedAt ?? null,
      hiddenBefore: since,
      history,
      modules,
    };
  }

  return { matrix, outcomeEvidence };
}
export type MatrixService = ReturnType<typeof createMatrixService>;
