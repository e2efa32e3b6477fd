import type { AuditRepo } from '../audit/audit.repo';
import type { CohortAccess } from '../cohorts/cohorts.service';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import type { PackRegistry } from '../content/registry';
import type { Outcome, Pack } from '../content/types';
import type { UnitOfWork } from '../db/ports';
import type { EventsRepo } from '../events/events.repo';
import type { ProgressRepo } from '../progress/progress.repo';
import { outcomeStatus, type ReviewDecision } from '../progress/status';
import { outcomeViewOf } from '../progress/progress.service';
import type { Actor } from '../shared/actor';
import { isoOf, type Clock } from '../shared/clock';
import { Conflict, Forbidden, Invalid, NotFound } from '../shared/errors';
import type { AreaChangeHook, AreaConfirmation, AreaWatch } from './area-watch';
import type { ReviewsRepo, Submission, SubmissionWithLearner } from './reviews.repo';

/** What a trainer decides: confirm (achieved, comment optional) or return (back to in progress, feedback required). */
export interface DecisionInput {
  decision: 'confirm' | 'return';
  comment: string;
}

/** A decision as made, for the learner's message. */
export interface Decided {
  submission: SubmissionWithLearner;
  outcome: Outcome;
  decision: ReviewDecision;
  comment: string;
  reviewer: Actor;
}

/** A submission waiting in a cohort's queue, with the outcome (and its standard) it claims. */
export interface QueueItem {
  submission: SubmissionWithLearner;
  outcome: Outcome;
  areaTitle: string;
}

export const COMMENT_MAX = 5000;

export interface ReviewsDeps {
  uow: UnitOfWork;
  reviews: ReviewsRepo;
  progress: ProgressRepo;
  cohorts: CohortsRepo;
  access: CohortAccess;
  packs: PackRegistry;
  events: EventsRepo;
  audit: AuditRepo;
  watch: AreaWatch;
  clock: Clock;
  /** Tells the learner of the decision (a message, as their notification choices allow); inside the unit of work. */
  tell?: (decided: Decided) => Promise<void>;
}

/**
 * Review of evidence: the queue of a cohort's submissions, trainers' decisions, the history of an outcome's reviews,
 * and whether a learner's area is confirmed. The cohort-only rule: a trainer decides only on learners of the cohorts
 * they run, an admin on anyone, and nobody on their own evidence.
 */
export function createReviewsService(deps: ReviewsDeps) {
  const { uow, reviews, progress, cohorts, access, packs, events, audit, watch, clock } = deps;

  /** The pack a learner works in (their latest cohort's version, else the built-in pack). */
  const learnerPack = async (learnerId: number): Promise<Pack> =>
    packs.forVersion(await cohorts.latestVersionForLearner(learnerId));

  /** May this person decide on this learner's evidence? */
  async function mayReview(actor: Actor, learnerId: number): Promise<boolean> {
    if (actor.id === learnerId) return false;
    if (actor.role === 'admin') return true;
    if (actor.role !== 'trainer') return false;
    for (const c of await cohorts.learnerCohorts(learnerId)) {
      if (await cohorts.isTrainer(c.id, actor.id)) return true;
    }
    return false;
  }

  /** A cohort's submissions waiting for review, oldest first (outcomes self-assessed in its pack are not shown). */
  async function queue(cohortId: number, actor: Actor): Promise<{ cohortName: string; items: QueueItem[] }> {
    const cohort = await access.manageable(cohortId, actor);
    const [pack, waiting] = await Promise.all([access.packOf(cohort), reviews.waitingInCohort(cohortId)]);
    const items: QueueItem[] = [];
    for (const submission of waiting) {
      const outcome = pack.outcomes.get(submission.outcomeId);
      if (!outcome || outcome.review === 'self') continue;
      const area = pack.areas.find((a) => a.id === outcome.areaId);
      items.push({ submission, outcome, areaTitle: area?.title ?? '' });
    }
    return { cohortName: cohort.name, items };
  }

  /** One submission for its reviewer's page: not found for anyone who may not review it. */
  async function submission(id: number, actor: Actor): Promise<QueueItem> {
    const s = Number.isSafeInteger(id) ? await reviews.get(id) : undefined;
    if (!s || !(await mayReview(actor, s.learnerId))) throw new NotFound('No such review');
    const pack = await learnerPack(s.learnerId);
    const outcome = pack.outcomes.get(s.outcomeId);
    if (!outcome) throw new NotFound('That outcome is no longer in the learner’s pack');
    return {
      submission: s,
      outcome,
      areaTitle: pack.areas.find((a) => a.id === outcome.areaId)?.title ?? '',
    };
  }

  /**
   * Confirms or returns one submission. Refused: a learner deciding anything (403), their own evidence (403), a
   * learner outside the reviewer's cohorts (404), a return without feedback (422), a submission already decided or
   * no longer current because the learner changed it (409). From a cohort's queue (`cohortId`), the cohort must be
   * the reviewer's and the learner in it.
   */
  async function decide(
    id: number,
    input: DecisionInput,
    actor: Actor,
    cohortId?: number,
  ): Promise<Submission> {
    if (actor.role === 'learner')
      throw new Forbidden('Learners cannot review evidence, their own or anyone’s');
    if (cohortId !== undefined) await access.manageable(cohortId, actor);
    const s = Number.isSafeInteger(id) ? await reviews.get(id) : undefined;
    if (!s) throw new NotFound('No such review');
    if (cohortId !== undefined && !(await cohorts.isMember(cohortId, s.learnerId))) {
      throw new NotFound('No such review in this cohort');
    }
    if (s.learnerId === actor.id) throw new Forbidden('You cannot review your own evidence');
    if (!(await mayReview(actor, s.learnerId))) throw new NotFound('No such review');
    const comment = input.comment.trim();
    if (input.decision === 'return' && comment === '') {
      throw new Invalid([
        { field: 'comment', message: 'Write feedback that says what the evidence still needs' },
      ]);
    }
    if (s.decision) throw new Conflict('This evidence has already been reviewed');
    if (!s.current)
      throw new Conflict('The learner has changed or withdrawn this evidence since it was submitted');
    const pack = await learnerPack(s.learnerId);
    const outcome = pack.outcomes.get(s.outcomeId);
    if (!outcome) throw new NotFound('That outcome is no longer in the learner’s pack');
    const decision: ReviewDecision = input.decision === 'confirm' ? 'confirmed' : 'returned';
    const now = isoOf(clock);
    const decided = { decision, deciderId: actor.id, deciderName: actor.name, comment };
    await uow.run(() =>
      watch.around(s.learnerId, pack, s.outcomeId, now, async () => {
        if (!(await reviews.decide(id, decided, now)))
          throw new Conflict('This evidence has already been reviewed');
        // a returned outcome is in progress again, its evidence kept for the learner to improve
        if (decision === 'returned')
          await progress.setOutcome(s.learnerId, s.outcomeId, 'in_progress', s.evidence, now);
        const status = outcomeStatus(
          decision === 'returned' ? 'in_progress' : 'achieved',
          decision,
          outcome.review,
        );
        await events.append(
          {
            userId: s.learnerId,
            verb: 'progressed',
            objectType: 'outcome',
            objectId: s.outcomeId,
            result: { status, completion: status === 'achieved' },
          },
          now,
        );
        await audit.record({
          actorId: actor.id,
          actorEmail: actor.email,
          action: decision === 'confirmed' ? 'review.confirm' : 'review.return',
          target: `user:${s.learnerId}`,
          detail: `${s.outcomeId} (review ${id})${comment ? `: ${comment.slice(0, 200)}` : ''}`,
          ip: actor.ip ?? null,
        });
        // a disabled account is sent nothing (as with assignment notices)
        if (!s.learnerDisabled)
          await deps.tell?.({ submission: s, outcome, decision, comment, reviewer: actor });
      }),
    );
    return {
      ...s,
      decision,
      decidedById: actor.id,
      decidedBy: actor.name,
      decidedAt: new Date(now),
      comment,
    };
  }

  /** Every submission of a learner's outcome and the decisions on them, newest first (the learner's own, or staff's). */
  async function history(learnerId: number, outcomeId: string): Promise<Submission[]> {
    return reviews.forLearner(learnerId, outcomeId);
  }

  /** A learner's own status on an outcome and every submission of it with its decision, newest first. */
  async function mine(actor: Actor, pack: Pack, outcomeId: string) {
    if (actor.role !== 'learner') throw new Forbidden('Only learners have outcomes of their own');
    const outcome = pack.outcomes.get(outcomeId);
    if (!outcome) throw new NotFound('No outcome with that id in your pack');
    const [p, list] = await Promise.all([
      progress.outcome(actor.id, outcomeId),
      reviews.forLearner(actor.id, outcomeId),
    ]);
    return { status: outcomeViewOf(outcome, p).status, reviews: list };
  }

  /** Every submission and decision of a learner, newest first (their record and their data export). */
  async function learnerHistory(learnerId: number): Promise<Submission[]> {
    return reviews.forLearner(learnerId);
  }

  /**
   * Whether every outcome of area `areaId` is confirmed by a trainer for the learner, with who confirmed each and when
   * (in the learner's pack unless one is given). An area with a self-assessed outcome is never confirmed: a credential
   * is worth something only where someone checked the evidence.
   */
  async function areaConfirmed(learnerId: number, areaId: string, pack?: Pack): Promise<AreaConfirmation> {
    const p = pack ?? (await learnerPack(learnerId));
    const area = p.areas.find((a) => a.id === areaId);
    if (!area) throw new NotFound('No such learning area in the learner’s pack');
    return watch.read(learnerId, p, area);
  }

  /**
   * Adds a listener told when a learner's area becomes confirmed or stops being (see AreaChangeHook): the
   * composition root wires the badges feature here.
   */
  function onAreaChange(hook: AreaChangeHook): void {
    watch.listen(hook);
  }

  return {
    queue,
    submission,
    decide,
    history,
    mine,
    learnerHistory,
    areaConfirmed,
    onAreaChange,
    mayReview,
    learnerPack,
  };
}
export type ReviewsService = ReturnType<typeof createReviewsService>;
