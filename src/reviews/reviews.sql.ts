import type { Sql } from '../db/ports';
import type { ReviewDecision } from '../progress/status';
import type { ReviewsRepo, Submission, SubmissionWithLearner } from './reviews.repo';

interface Row {
  id: number;
  user_id: number;
  outcome_id: string;
  evidence: string;
  note: string;
  submitted_at: string;
  decision: ReviewDecision | null;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: string | null;
  comment: string;
}

interface RowWithLearner extends Row {
  name: string;
  email: string;
  disabled: number | boolean;
  current: number | boolean;
}

const toSubmission = (r: Row): Submission => ({
  id: Number(r.id),
  learnerId: Number(r.user_id),
  outcomeId: r.outcome_id,
  evidence: r.evidence,
  note: r.note,
  submittedAt: new Date(r.submitted_at),
  decision: r.decision,
  decidedById: r.decided_by === null ? null : Number(r.decided_by),
  decidedBy: r.decided_by_name,
  decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
  comment: r.comment,
});

const toWithLearner = (r: RowWithLearner): SubmissionWithLearner => ({
  ...toSubmission(r),
  learnerName: r.name,
  learnerEmail: r.email,
  learnerDisabled: Boolean(r.disabled),
  current: Boolean(r.current),
});

const COLUMNS = `r.id, r.user_id, r.outcome_id, r.evidence, r.note, r.submitted_at, r.decision, r.decided_by,
  r.decided_by_name, r.decided_at, r.comment`;
// "current": the learner's claim still stands on this submission (they have not changed or withdrawn it since).
const WITH_LEARNER = `SELECT ${COLUMNS}, u.name, u.email, u.disabled,
  CASE WHEN p.review_id = r.id AND p.status = 'achieved' THEN 1 ELSE 0 END AS current
  FROM outcome_reviews r JOIN users u ON u.id = r.user_id
  LEFT JOIN outcome_progress p ON p.user_id = r.user_id AND p.outcome_id = r.outcome_id`;
const SUBMIT = `INSERT INTO outcome_reviews (user_id, outcome_id, evidence, note, submitted_at) VALUES (?, ?, ?, ?, ?)
  RETURNING id`;
const GET = `${WITH_LEARNER} WHERE r.id = ?`;
const DECIDE = `UPDATE outcome_reviews SET decision = @decision, decided_by = @by, decided_by_name = @name,
  decided_at = @now, comment = @comment WHERE id = @id AND decision IS NULL`;
const WAITING = `SELECT ${COLUMNS}, u.name, u.email, u.disabled, 1 AS current
  FROM cohort_members m JOIN outcome_progress p ON p.user_id = m.user_id AND p.status = 'achieved'
  JOIN outcome_reviews r ON r.id = p.review_id AND r.decision IS NULL JOIN users u ON u.id = m.user_id
  WHERE m.cohort_id = ? ORDER BY r.submitted_at, r.id`;
const FOR_LEARNER = `SELECT ${COLUMNS} FROM outcome_reviews r WHERE r.user_id = ? ORDER BY r.id DESC`;
const FOR_OUTCOME = `SELECT ${COLUMNS} FROM outcome_reviews r WHERE r.user_id = ? AND r.outcome_id = ? ORDER BY r.id DESC`;

export function createReviewsRepo(db: Sql): ReviewsRepo {
  return {
    async submit(learnerId, outcomeId, evidence, note, now) {
      const row = await db.get<{ id: number }>(SUBMIT, [learnerId, outcomeId, evidence, note, now]);
      return Number(row!.id);
    },
    async get(id) {
      const row = await db.get<RowWithLearner>(GET, [id]);
      return row && toWithLearner(row);
    },
    decide: async (id, d, now) =>
      (
        await db.run(DECIDE, {
          id,
          decision: d.decision,
          by: d.deciderId,
          name: d.deciderName,
          now,
          comment: d.comment,
        })
      ).changes > 0,
    waitingInCohort: async (cohortId) =>
      (await db.all<RowWithLearner>(WAITING, [cohortId])).map(toWithLearner),
    forLearner: async (learnerId, outcomeId) =>
      (outcomeId === undefined
        ? await db.all<Row>(FOR_LEARNER, [learnerId])
        : await db.all<Row>(FOR_OUTCOME, [learnerId, outcomeId])
      ).map(toSubmission),
  };
}
