import type { Db } from '../db/sqlite/open';
import type { Role } from '../shared/actor';
import type {
  Assignment,
  AssignmentForLearner,
  Cohort,
  CohortMember,
  CohortPerson,
  CohortsRepo,
  CohortSummary,
  Removal,
  RemovalPayload,
} from './cohorts.repo';

interface CohortRow {
  id: number;
  name: string;
  description: string;
  variant_version_id: number | null;
  created_by: number | null;
  created_at: string;
  archived_at: string | null;
}

interface CohortListRow extends CohortRow {
  members: number;
  assignments: number;
}

interface PersonRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: number;
}

interface MemberRow extends PersonRow {
  added_at: string;
  last_active_at: string | null;
}

interface RemovalRow {
  id: number;
  cohort_id: number;
  payload: string;
  removed_at: string;
  undone_at: string | null;
}

const toRemoval = (r: RemovalRow): Removal => ({
  id: r.id,
  cohortId: r.cohort_id,
  payload: JSON.parse(r.payload) as RemovalPayload,
  removedAt: new Date(r.removed_at),
});

interface AssignmentRow {
  id: number;
  cohort_id: number;
  module_id: string;
  due_on: string;
  created_at: string;
}

interface LearnerAssignmentRow {
  module_id: string;
  due_on: string;
  cohort_id: number;
  progress: 'in_progress' | 'completed' | null;
  completed_at: string | null;
}

const toCohort = (r: CohortRow): Cohort => ({
  id: r.id,
  name: r.name,
  description: r.description,
  variantVersionId: r.variant_version_id,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  archivedAt: r.archived_at === null ? null : new Date(r.archived_at),
});

const toSummary = (r: CohortListRow): CohortSummary => ({
  ...toCohort(r),
  members: r.members,
  assignments: r.assignments,
});

const toPerson = (r: PersonRow): CohortPerson => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  disabled: r.disabled !== 0,
});

const toMember = (r: MemberRow): CohortMember => ({
  ...toPerson(r),
  addedAt: new Date(r.added_at),
  lastSignedInAt: r.last_active_at === null ? null : new Date(r.last_active_at),
});

const toAssignment = (r: AssignmentRow): Assignment => ({
  id: r.id,
  cohortId: r.cohort_id,
  moduleId: r.module_id,
  dueOn: r.due_on,
  createdAt: new Date(r.created_at),
});

const toLearnerAssignment = (r: LearnerAssignmentRow): AssignmentForLearner => ({
  moduleId: r.module_id,
  dueOn: r.due_on,
  cohortId: r.cohort_id,
  progress: r.progress,
  completedAt: r.completed_at === null ? null : new Date(r.completed_at),
});

const COHORT_COLUMNS =
  'c.id, c.name, c.description, c.variant_version_id, c.created_by, c.created_at, c.archived_at';

export function createCohortsSqliteRepo(db: Db): CohortsRepo {
  const s = {
    insert: db.prepare<[string, string, number | null, number, string]>(
      'INSERT INTO cohorts (name, description, variant_version_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    update: db.prepare<[string, string, number]>('UPDATE cohorts SET name = ?, description = ? WHERE id = ?'),
    setVariant: db.prepare<[number | null, number]>('UPDATE cohorts SET variant_version_id = ? WHERE id = ?'),
    get: db.prepare<[number], CohortRow>(`SELECT ${COHORT_COLUMNS} FROM cohorts c WHERE c.id = ?`),
    listAll: db.prepare<[number], CohortListRow>(
      `SELECT ${COHORT_COLUMNS}, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS members,
              (SELECT COUNT(*) FROM assignments a WHERE a.cohort_id = c.id) AS assignments
       FROM cohorts c WHERE (c.archived_at IS NOT NULL) = ? ORDER BY c.created_at DESC, c.id DESC`,
    ),
    listForTrainer: db.prepare<[number, number], CohortListRow>(
      `SELECT ${COHORT_COLUMNS}, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS members,
              (SELECT COUNT(*) FROM assignments a WHERE a.cohort_id = c.id) AS assignments
       FROM cohorts c JOIN cohort_trainers t ON t.cohort_id = c.id AND t.user_id = ?
       WHERE (c.archived_at IS NOT NULL) = ? ORDER BY c.created_at DESC, c.id DESC`,
    ),
    setArchived: db.prepare<[string | null, number]>('UPDATE cohorts SET archived_at = ? WHERE id = ?'),
    candidates: db.prepare<[{ c: number; q: string; limit: number }], PersonRow>(
      `SELECT u.id, u.email, u.name, u.role, u.disabled FROM users u
       WHERE u.role = 'learner' AND u.disabled = 0
         AND NOT EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id = @c AND m.user_id = u.id)
         AND (@q = '' OR instr(lower(u.name), @q) > 0 OR instr(u.email_norm, @q) > 0)
       ORDER BY u.name COLLATE NOCASE, u.id LIMIT @limit`,
    ),
    shiftAssignments: db.prepare<[string, number]>(
      `UPDATE assignments SET due_on = date(due_on, ?) WHERE cohort_id = ?`,
    ),
    recordRemoval: db.prepare<[number, string, string, number, string]>(
      `INSERT INTO cohort_removals (cohort_id, kind, payload, removed_by, removed_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    removals: db.prepare<[number, string], RemovalRow>(
      `SELECT id, cohort_id, payload, removed_at, undone_at FROM cohort_removals
       WHERE cohort_id = ? AND removed_at >= ? AND undone_at IS NULL ORDER BY removed_at DESC, id DESC LIMIT 20`,
    ),
    removal: db.prepare<[number, number], RemovalRow>(
      'SELECT id, cohort_id, payload, removed_at, undone_at FROM cohort_removals WHERE id = ? AND cohort_id = ?',
    ),
    markUndone: db.prepare<[string, number]>('UPDATE cohort_removals SET undone_at = ? WHERE id = ?'),
    isTrainer: db.prepare<[number, number]>(
      'SELECT 1 FROM cohort_trainers WHERE cohort_id = ? AND user_id = ?',
    ),
    isMember: db.prepare<[number, number]>(
      'SELECT 1 FROM cohort_members WHERE cohort_id = ? AND user_id = ?',
    ),
    memberSince: db.prepare<[number, number], { added_at: string }>(
      'SELECT added_at FROM cohort_members WHERE cohort_id = ? AND user_id = ?',
    ),
    addTrainer: db.prepare<[number, number]>(
      'INSERT OR IGNORE INTO cohort_trainers (cohort_id, user_id) VALUES (?, ?)',
    ),
    removeTrainer: db.prepare<[number, number]>(
      'DELETE FROM cohort_trainers WHERE cohort_id = ? AND user_id = ?',
    ),
    trainers: db.prepare<[number], PersonRow>(
      `SELECT u.id, u.email, u.name, u.role, u.disabled FROM cohort_trainers t JOIN users u ON u.id = t.user_id
       WHERE t.cohort_id = ? ORDER BY u.name COLLATE NOCASE`,
    ),
    addMember: db.prepare<[number, number, string]>(
      'INSERT OR IGNORE INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)',
    ),
    removeMember: db.prepare<[number, number]>(
      'DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?',
    ),
    members: db.prepare<[number], MemberRow>(
      `SELECT u.id, u.email, u.name, u.role, u.disabled, m.added_at, u.last_active_at
       FROM cohort_members m JOIN users u ON u.id = m.user_id
       WHERE m.cohort_id = ? ORDER BY u.name COLLATE NOCASE, u.id`,
    ),
    assignments: db.prepare<[number], AssignmentRow>(
      'SELECT id, cohort_id, module_id, due_on, created_at FROM assignments WHERE cohort_id = ? ORDER BY due_on, module_id',
    ),
    assignment: db.prepare<[number, number], AssignmentRow>(
      'SELECT id, cohort_id, module_id, due_on, created_at FROM assignments WHERE id = ? AND cohort_id = ?',
    ),
    upsertAssignment: db.prepare<[number, string, string, string], { id: number }>(
      `INSERT INTO assignments (cohort_id, module_id, due_on, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (cohort_id, module_id) DO UPDATE SET due_on = excluded.due_on RETURNING id`,
    ),
    updateAssignment: db.prepare<[string, number, number]>(
      'UPDATE assignments SET due_on = ? WHERE id = ? AND cohort_id = ?',
    ),
    deleteAssignment: db.prepare<[number, number]>('DELETE FROM assignments WHERE id = ? AND cohort_id = ?'),
    learnerAssignments: db.prepare<[number], LearnerAssignmentRow>(
      `SELECT a.module_id, a.due_on, a.cohort_id, p.status AS progress, p.completed_at
       FROM cohort_members m
       JOIN cohorts c ON c.id = m.cohort_id AND c.archived_at IS NULL
       JOIN assignments a ON a.cohort_id = m.cohort_id
       LEFT JOIN module_progress p ON p.user_id = m.user_id AND p.module_id = a.module_id
       WHERE m.user_id = ? ORDER BY a.due_on, a.module_id`,
    ),
    learnerCohorts: db.prepare<[number], CohortRow>(
      `SELECT ${COHORT_COLUMNS} FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id WHERE m.user_id = ?
       ORDER BY m.added_at DESC, c.id DESC`,
    ),
    latestVersionForLearner: db.prepare<[number], { v: number | null }>(
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
    create: (name, description, variantVersionId, createdBy) =>
      Number(
        s.insert.run(name, description, variantVersionId, createdBy, new Date().toISOString())
          .lastInsertRowid,
      ),
    update: (id, name, description) => void s.update.run(name, description, id),
    setVariant: (id, versionId) => void forgetPins(s.setVariant.run(versionId, id)),
    get(id) {
      const row = s.get.get(id);
      return row && toCohort(row);
    },
    listAll: (archived = false) => s.listAll.all(archived ? 1 : 0).map(toSummary),
    listForTrainer: (userId, archived = false) =>
      s.listForTrainer.all(userId, archived ? 1 : 0).map(toSummary),
    setArchived: (id, at) => void s.setArchived.run(at, id),
    candidates: (cohortId, q, limit) =>
      s.candidates.all({ c: cohortId, q: q.trim().toLowerCase(), limit }).map(toPerson),
    shiftAssignments: (cohortId, days) =>
      s.shiftAssignments.run(`${days >= 0 ? '+' : ''}${days} days`, cohortId).changes,
    recordRemoval: (cohortId, payload, removedBy) =>
      Number(
        s.recordRemoval.run(
          cohortId,
          payload.kind,
          JSON.stringify(payload),
          removedBy,
          new Date().toISOString(),
        ).lastInsertRowid,
      ),
    removals: (cohortId, since) => s.removals.all(cohortId, since).map(toRemoval),
    removal(cohortId, id) {
      const row = s.removal.get(id, cohortId);
      return row && { ...toRemoval(row), undone: row.undone_at !== null };
    },
    markUndone: (id) => void s.markUndone.run(new Date().toISOString(), id),
    isTrainer: (cohortId, userId) => s.isTrainer.get(cohortId, userId) !== undefined,
    isMember: (cohortId, userId) => s.isMember.get(cohortId, userId) !== undefined,
    memberSince(cohortId, userId) {
      const row = s.memberSince.get(cohortId, userId);
      return row && new Date(row.added_at);
    },
    addTrainer: (cohortId, userId) => void s.addTrainer.run(cohortId, userId),
    removeTrainer: (cohortId, userId) => void s.removeTrainer.run(cohortId, userId),
    trainers: (cohortId) => s.trainers.all(cohortId).map(toPerson),
    addMember: (cohortId, userId, addedAt) =>
      forgetPins(s.addMember.run(cohortId, userId, addedAt ?? new Date().toISOString()).changes > 0),
    removeMember: (cohortId, userId) => forgetPins(s.removeMember.run(cohortId, userId).changes > 0),
    members: (cohortId) => s.members.all(cohortId).map(toMember),
    assignments: (cohortId) => s.assignments.all(cohortId).map(toAssignment),
    assignment(cohortId, id) {
      const row = s.assignment.get(id, cohortId);
      return row && toAssignment(row);
    },
    upsertAssignment: (cohortId, moduleId, dueOn) =>
      s.upsertAssignment.get(cohortId, moduleId, dueOn, new Date().toISOString())!.id,
    updateAssignment: (cohortId, id, dueOn) => s.updateAssignment.run(dueOn, id, cohortId).changes > 0,
    deleteAssignment: (cohortId, id) => s.deleteAssignment.run(id, cohortId).changes > 0,
    learnerAssignments: (userId) => s.learnerAssignments.all(userId).map(toLearnerAssignment),
    learnerCohorts: (userId) => s.learnerCohorts.all(userId).map(toCohort),
    latestVersionForLearner(userId) {
      if (!pinned.has(userId)) pinned.set(userId, s.latestVersionForLearner.get(userId)?.v ?? null);
      return pinned.get(userId)!;
    },
  };
}
