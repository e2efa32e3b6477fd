import type { Db } from '../db/sqlite/open';

export interface CohortRow {
  id: number;
  name: string;
  description: string;
  variant_version_id: number | null;
  created_by: number | null;
  created_at: string;
}

export interface CohortListRow extends CohortRow {
  members: number;
  assignments: number;
}

export interface MemberRow {
  id: number;
  email: string;
  name: string;
  role: string;
  disabled: number;
  added_at: string;
}

export interface AssignmentRow {
  id: number;
  cohort_id: number;
  module_id: string;
  due_on: string;
  created_at: string;
}

export interface LearnerAssignmentRow {
  module_id: string;
  due_on: string;
  cohort_id: number;
  progress: 'in_progress' | 'completed' | null;
  completed_at: string | null;
}

export function createCohortsRepo(db: Db) {
  const s = {
    insert: db.prepare('INSERT INTO cohorts (name, description, variant_version_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)'),
    update: db.prepare('UPDATE cohorts SET name = ?, description = ? WHERE id = ?'),
    setVariant: db.prepare('UPDATE cohorts SET variant_version_id = ? WHERE id = ?'),
    get: db.prepare('SELECT * FROM cohorts WHERE id = ?'),
    listAll: db.prepare(
      `SELECT c.*, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS members,
              (SELECT COUNT(*) FROM assignments a WHERE a.cohort_id = c.id) AS assignments
       FROM cohorts c ORDER BY c.created_at DESC, c.id DESC`,
    ),
    listForTrainer: db.prepare(
      `SELECT c.*, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS members,
              (SELECT COUNT(*) FROM assignments a WHERE a.cohort_id = c.id) AS assignments
       FROM cohorts c JOIN cohort_trainers t ON t.cohort_id = c.id AND t.user_id = ?
       ORDER BY c.created_at DESC, c.id DESC`,
    ),
    isTrainer: db.prepare('SELECT 1 FROM cohort_trainers WHERE cohort_id = ? AND user_id = ?'),
    isMember: db.prepare('SELECT 1 FROM cohort_members WHERE cohort_id = ? AND user_id = ?'),
    memberSince: db.prepare('SELECT added_at FROM cohort_members WHERE cohort_id = ? AND user_id = ?'),
    addTrainer: db.prepare('INSERT OR IGNORE INTO cohort_trainers (cohort_id, user_id) VALUES (?, ?)'),
    removeTrainer: db.prepare('DELETE FROM cohort_trainers WHERE cohort_id = ? AND user_id = ?'),
    trainers: db.prepare(
      `SELECT u.id, u.email, u.name, u.role, u.disabled, '' AS added_at FROM cohort_trainers t JOIN users u ON u.id = t.user_id
       WHERE t.cohort_id = ? ORDER BY u.name COLLATE NOCASE`,
    ),
    addMember: db.prepare('INSERT OR IGNORE INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)'),
    removeMember: db.prepare('DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?'),
    members: db.prepare(
      `SELECT u.id, u.email, u.name, u.role, u.disabled, m.added_at FROM cohort_members m JOIN users u ON u.id = m.user_id
       WHERE m.cohort_id = ? ORDER BY u.name COLLATE NOCASE, u.id`,
    ),
    assignments: db.prepare('SELECT * FROM assignments WHERE cohort_id = ? ORDER BY due_on, module_id'),
    assignment: db.prepare('SELECT * FROM assignments WHERE id = ? AND cohort_id = ?'),
    upsertAssignment: db.prepare(
      `INSERT INTO assignments (cohort_id, module_id, due_on, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (cohort_id, module_id) DO UPDATE SET due_on = excluded.due_on RETURNING id`,
    ),
    updateAssignment: db.prepare('UPDATE assignments SET due_on = ? WHERE id = ? AND cohort_id = ?'),
    deleteAssignment: db.prepare('DELETE FROM assignments WHERE id = ? AND cohort_id = ?'),
    learnerAssignments: db.prepare(
      `SELECT a.module_id, a.due_on, a.cohort_id, p.status AS progress, p.completed_at
       FROM cohort_members m
       JOIN assignments a ON a.cohort_id = m.cohort_id
       LEFT JOIN module_progress p ON p.user_id = m.user_id AND p.module_id = a.module_id
       WHERE m.user_id = ? ORDER BY a.due_on, a.module_id`,
    ),
    learnerCohorts: db.prepare(
      `SELECT c.* FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id WHERE m.user_id = ?
       ORDER BY m.added_at DESC, c.id DESC`,
    ),
    latestVersionForLearner: db.prepare(
      `SELECT c.variant_version_id AS v FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id
       WHERE m.user_id = ? ORDER BY m.added_at DESC, c.id DESC LIMIT 1`,
    ),
  };
  // Which variant a learner sees is read on every request they make and changes only through this repo's own
  // writes (membership, pinning), so it is remembered here and forgotten on any of those writes.
  const pinned = new Map<number, number | null>();
  const forgetPins = <T>(result: T): T => {
    pinned.clear();
    return result;
  };
  return {
    create(name: string, description: string, variantVersionId: number | null, createdBy: number): number {
      return Number(s.insert.run(name, description, variantVersionId, createdBy, new Date().toISOString()).lastInsertRowid);
    },
    update: (id: number, name: string, description: string) => s.update.run(name, description, id),
    setVariant: (id: number, versionId: number | null) => forgetPins(s.setVariant.run(versionId, id)),
    get: (id: number) => s.get.get(id) as CohortRow | undefined,
    listAll: () => s.listAll.all() as CohortListRow[],
    listForTrainer: (userId: number) => s.listForTrainer.all(userId) as CohortListRow[],
    isTrainer: (cohortId: number, userId: number) => s.isTrainer.get(cohortId, userId) !== undefined,
    isMember: (cohortId: number, userId: number) => s.isMember.get(cohortId, userId) !== undefined,
    /** When the learner joined the cohort (ISO date-time), if they are in it. */
    memberSince: (cohortId: number, userId: number) => (s.memberSince.get(cohortId, userId) as { added_at: string } | undefined)?.added_at,
    addTrainer: (cohortId: number, userId: number) => s.addTrainer.run(cohortId, userId),
    removeTrainer: (cohortId: number, userId: number) => s.removeTrainer.run(cohortId, userId),
    trainers: (cohortId: number) => s.trainers.all(cohortId) as MemberRow[],
    addMember: (cohortId: number, userId: number) => forgetPins(s.addMember.run(cohortId, userId, new Date().toISOString()).changes > 0),
    removeMember: (cohortId: number, userId: number) => forgetPins(s.removeMember.run(cohortId, userId).changes > 0),
    members: (cohortId: number) => s.members.all(cohortId) as MemberRow[],
    assignments: (cohortId: number) => s.assignments.all(cohortId) as AssignmentRow[],
    assignment: (cohortId: number, id: number) => s.assignment.get(id, cohortId) as AssignmentRow | undefined,
    upsertAssignment: (cohortId: number, moduleId: string, dueOn: string) =>
      (s.upsertAssignment.get(cohortId, moduleId, dueOn, new Date().toISOString()) as { id: number }).id,
    updateAssignment: (cohortId: number, id: number, dueOn: string) => s.updateAssignment.run(dueOn, id, cohortId).changes > 0,
    deleteAssignment: (cohortId: number, id: number) => s.deleteAssignment.run(id, cohortId).changes > 0,
    learnerAssignments: (userId: number) => s.learnerAssignments.all(userId) as LearnerAssignmentRow[],
    learnerCohorts: (userId: number) => s.learnerCohorts.all(userId) as CohortRow[],
    latestVersionForLearner(userId: number): number | null {
      if (!pinned.has(userId)) pinned.set(userId, (s.latestVersionForLearner.get(userId) as { v: number | null } | undefined)?.v ?? null);
      return pinned.get(userId)!;
    },
  };
}
export type CohortsRepo = ReturnType<typeof createCohortsRepo>;
