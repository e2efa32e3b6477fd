import type { Sql } from '../db/ports';
import type { DigestCohort, DueItem, RemindersRepo, SelfAssessmentDue } from './reminders.repo';

interface DueRow {
  user_id: number;
  email: string;
  name: string;
  cohort_id: number;
  variant_version_id: number | null;
  module_id: string;
  due_on: string;
  kind: 'due_soon' | 'overdue';
}

// A learner of an active cohort, enabled, who has not completed the assigned module, and not yet reminded of it.
const LEARNERS_OF_ASSIGNMENT = `FROM assignments a
  JOIN cohorts c ON c.id = a.cohort_id AND c.archived_at IS NULL
  JOIN cohort_members m ON m.cohort_id = a.cohort_id
  JOIN users u ON u.id = m.user_id AND u.disabled = 0 AND u.erased_at IS NULL
  LEFT JOIN module_progress p ON p.user_id = m.user_id AND p.module_id = a.module_id
  WHERE (p.status IS NULL OR p.status <> 'completed')`;
const NOT_SENT = (kind: string) => `NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.user_id = m.user_id
  AND r.cohort_id = a.cohort_id AND r.module_id = a.module_id AND r.due_on = a.due_on AND r.kind = '${kind}')`;
const COLUMNS = `m.user_id AS user_id, u.email AS email, u.name AS name, a.cohort_id AS cohort_id,
  c.variant_version_id AS variant_version_id, a.module_id AS module_id, a.due_on AS due_on`;

const DUE_SOON = `SELECT ${COLUMNS}, 'due_soon' AS kind ${LEARNERS_OF_ASSIGNMENT}
  AND a.due_on >= @today AND a.due_on <= @horizon AND ${NOT_SENT('due_soon')}`;
const OVERDUE = `SELECT ${COLUMNS}, 'overdue' AS kind ${LEARNERS_OF_ASSIGNMENT}
  AND a.due_on < @today AND a.due_on >= @overdueFrom AND ${NOT_SENT('overdue')}`;

const DIGEST_COHORTS = `SELECT t.user_id AS trainer_id, u.email, u.name, c.id AS cohort_id, c.name AS cohort_name
  FROM cohort_trainers t JOIN cohorts c ON c.id = t.cohort_id AND c.archived_at IS NULL
  JOIN users u ON u.id = t.user_id AND u.disabled = 0 AND u.erased_at IS NULL
  ORDER BY t.user_id, c.name, c.id`;
const OVERDUE_LEARNERS = `SELECT DISTINCT a.cohort_id, u.name ${LEARNERS_OF_ASSIGNMENT} AND a.due_on < @today
  ORDER BY u.name`;
const NEVER_SIGNED_IN = `SELECT m.cohort_id, u.name FROM cohort_members m
  JOIN cohorts c ON c.id = m.cohort_id AND c.archived_at IS NULL
  JOIN users u ON u.id = m.user_id AND u.disabled = 0 AND u.erased_at IS NULL AND u.last_active_at IS NULL
  ORDER BY u.name`;
const NEW_EVIDENCE = `SELECT DISTINCT m.cohort_id, u.name FROM cohort_members m
  JOIN cohorts c ON c.id = m.cohort_id AND c.archived_at IS NULL
  JOIN users u ON u.id = m.user_id AND u.disabled = 0 AND u.erased_at IS NULL
  JOIN outcome_history h ON h.user_id = m.user_id AND h.changed_at >= @since AND h.evidence <> ''
  ORDER BY u.name`;

export function createRemindersRepo(db: Sql): RemindersRepo {
  return {
    async due(today, horizon, overdueFrom): Promise<DueItem[]> {
      const sql = horizon ? `${DUE_SOON} UNION ALL ${OVERDUE}` : OVERDUE;
      const rows = await db.all<DueRow>(`${sql} ORDER BY user_id, due_on, module_id`, {
        today,
        horizon,
        overdueFrom,
      });
      return rows.map((r) => ({
        userId: Number(r.user_id),
        email: r.email,
        name: r.name,
        cohortId: Number(r.cohort_id),
        variantVersionId: r.variant_version_id === null ? null : Number(r.variant_version_id),
        moduleId: r.module_id,
        dueOn: r.due_on,
        kind: r.kind,
      }));
    },
    async markReminded(item, now) {
      await db.run(
        `INSERT INTO reminders_sent (user_id, cohort_id, module_id, due_on, kind, sent_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [item.userId, item.cohortId, item.moduleId, item.dueOn, item.kind, now],
      );
    },
    async digest(today, since): Promise<DigestCohort[]> {
      const [cohorts, overdue, never, evidence] = await Promise.all([
        db.all<{ trainer_id: number; email: string; name: string; cohort_id: number; cohort_name: string }>(
          DIGEST_COHORTS,
        ),
        db.all<{ cohort_id: number; name: string }>(OVERDUE_LEARNERS, { today }),
        db.all<{ cohort_id: number; name: string }>(NEVER_SIGNED_IN),
        db.all<{ cohort_id: number; name: string }>(NEW_EVIDENCE, { since }),
      ]);
      const by = (rows: { cohort_id: number; name: string }[], id: number) =>
        rows.filter((r) => Number(r.cohort_id) === id).map((r) => r.name);
      return cohorts.map((c) => ({
        trainerId: Number(c.trainer_id),
        trainerEmail: c.email,
        trainerName: c.name,
        cohortId: Number(c.cohort_id),
        cohortName: c.cohort_name,
        overdue: by(overdue, Number(c.cohort_id)),
        neverSignedIn: by(never, Number(c.cohort_id)),
        newEvidence: by(evidence, Number(c.cohort_id)),
      }));
    },
    async selfAssessmentsDue(moduleIds, before): Promise<SelfAssessmentDue[]> {
      if (moduleIds.length === 0) return [];
      const names = Object.fromEntries(moduleIds.map((id, i) => [`m${i}`, id]));
      const list = moduleIds.map((_, i) => `@m${i}`).join(', ');
      const rows = await db.all<{
        user_id: number;
        email: string;
        name: string;
        module_id: string;
        first_at: string;
      }>(
        `SELECT s.user_id, u.email, u.name, s.module_id, MIN(s.created_at) AS first_at FROM submissions s
         JOIN users u ON u.id = s.user_id AND u.disabled = 0 AND u.erased_at IS NULL
         WHERE s.module_id IN (${list})
         GROUP BY s.user_id, u.email, u.name, s.module_id HAVING COUNT(*) = 1 AND MIN(s.created_at) < @before
         ORDER BY s.user_id`,
        { ...names, before },
      );
      return rows.map((r) => ({
        userId: Number(r.user_id),
        email: r.email,
        name: r.name,
        moduleId: r.module_id,
        firstAt: r.first_at,
      }));
    },
  };
}
