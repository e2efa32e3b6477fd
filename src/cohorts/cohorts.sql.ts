import type { Sql } from '../db/ports';
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

const COHORT_COLUMNS =
  'c.id, c.name, c.description, c.variant_version_id, c.created_by, c.created_at, c.archived_at';

const PERSON_COLUMNS = 'u.id, u.email, u.name, u.role, u.disabled';

/** Active cohorts (archived_at null) or archived ones, with their head counts. */
const listSql = (archived: boolean, trainer: boolean) =>
  `SELECT ${COHORT_COLUMNS}, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS members,
          (SELECT COUNT(*) FROM assignments a WHERE a.cohort_id = c.id) AS assignments
   FROM cohorts c${trainer ? ' JOIN cohort_trainers t ON t.cohort_id = c.id AND t.user_id = ?' : ''}
   WHERE c.archived_at IS ${archived ? 'NOT ' : ''}NULL ORDER BY c.created_at DESC, c.id DESC`;
const LIST = {
  active: listSql(false, false),
  archived: listSql(true, false),
  trainerActive: listSql(false, true),
  trainerArchived: listSql(true, true),
} as const;

const CANDIDATES = `SELECT ${PERSON_COLUMNS} FROM users u
  WHERE u.role = 'learner' AND u.disabled = 0
    AND NOT EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id = @c AND m.user_id = u.id)
    AND (@q = '' OR lower(u.name) LIKE @pattern ESCAPE '\\' OR u.email_norm LIKE @pattern ESCAPE '\\')
  ORDER BY lower(u.name), u.id LIMIT @limit`;

/** Due dates are `YYYY-MM-DD` text on both engines; the day arithmetic is each engine's own. */
const SHIFT_ASSIGNMENTS = {
  sqlite: `UPDATE assignments SET due_on = date(due_on, CAST(? AS INTEGER) || ' days') WHERE cohort_id = ?`,
  postgres: `UPDATE assignments SET due_on = to_char(CAST(due_on AS DATE) + CAST(? AS INTEGER), 'YYYY-MM-DD')
    WHERE cohort_id = ?`,
} as const;

const REMOVAL_COLUMNS = 'id, cohort_id, payload, removed_at, undone_at';
const ASSIGNMENT_COLUMNS = 'id, cohort_id, module_id, due_on, created_at';

// Two strings per learner in one row, the assignments ('2027-03-01 mod-a 4,…') and the learner's module progress
// ('mod-a completed,…'), matched and sorted here: the learner's home asks on every visit, and a row object per
// assignment, a progress look-up per assignment and a sort in the database each cost more than the reading itself.
// Module ids are slugs and days are ISO dates, so neither holds a space or a comma.
const LEARNER_ASSIGNMENTS = {
  sqlite: `SELECT
    (SELECT group_concat(a.due_on || ' ' || a.module_id || ' ' || a.cohort_id, ',') FROM cohort_members m
      JOIN cohorts c ON c.id = m.cohort_id AND c.archived_at IS NULL JOIN assignments a ON a.cohort_id = m.cohort_id
      WHERE m.user_id = ?) AS items,
    (SELECT group_concat(module_id || ' ' || status, ',') FROM module_progress WHERE user_id = ?) AS progress`,
  postgres: `SELECT
    (SELECT string_agg(a.due_on || ' ' || a.module_id || ' ' || a.cohort_id, ',') FROM cohort_members m
      JOIN cohorts c ON c.id = m.cohort_id AND c.archived_at IS NULL JOIN assignments a ON a.cohort_id = m.cohort_id
      WHERE m.user_id = ?) AS items,
    (SELECT string_agg(module_id || ' ' || status, ',') FROM module_progress WHERE user_id = ?) AS progress`,
} as const;

/**
 * In due-date order, then module, then cohort: the items start with the day and the module, so they sort as plain
 * strings (cohorts of one module due the same day come in the order of their ids' digits).
 */
function toLearnerAssignments(items: string | null, progress: string | null): AssignmentForLearner[] {
  if (!items) return [];
  const statusOf = new Map<string, 'in_progress' | 'completed'>();
  for (const entry of progress ? progress.split(',') : []) {
    const [moduleId, status] = entry.split(' ');
    if (status === 'completed' || status === 'in_progress') statusOf.set(moduleId, status);
  }
  return items
    .split(',')
    .sort()
    .map((item) => {
      const [dueOn, moduleId, cohortId] = item.split(' ');
      return { moduleId, dueOn, cohortId: Number(cohortId), progress: statusOf.get(moduleId) ?? null };
    });
}

/**
 * The variant a learner sees: their latest cohort's pinned version. Read on every request they make and never cached
 * in the process (another instance may change memberships or pins at any time): the learner's memberships come from
 * the `cohort_members_user (user_id, cohort_id)` index, a learner is in a handful of cohorts, and the cohort is a
 * primary-key look-up.
 */
const LATEST_VERSION_FOR_LEARNER = `SELECT c.variant_version_id AS v
  FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id
  WHERE m.user_id = ? ORDER BY m.added_at DESC, m.cohort_id DESC LIMIT 1`;

export function createCohortsRepo(db: Sql): CohortsRepo {
  return {
    async create(name, description, variantVersionId, createdBy, createdAt) {
      const row = await db.get<{ id: number }>(
        `INSERT INTO cohorts (name, description, variant_version_id, created_by, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id`,
        [name, description, variantVersionId, createdBy, createdAt],
      );
      return row!.id;
    },
    async update(id, name, description) {
      await db.run('UPDATE cohorts SET name = ?, description = ? WHERE id = ?', [name, description, id]);
    },
    async setVariant(id, versionId) {
      await db.run('UPDATE cohorts SET variant_version_id = ? WHERE id = ?', [versionId, id]);
    },
    async get(id) {
      const row = await db.get<CohortRow>(`SELECT ${COHORT_COLUMNS} FROM cohorts c WHERE c.id = ?`, [id]);
      return row && toCohort(row);
    },
    listAll: async (archived = false) =>
      (await db.all<CohortListRow>(archived ? LIST.archived : LIST.active)).map(toSummary),
    listForTrainer: async (userId, archived = false) =>
      (await db.all<CohortListRow>(archived ? LIST.trainerArchived : LIST.trainerActive, [userId])).map(
        toSummary,
      ),
    async setArchived(id, at) {
      await db.run('UPDATE cohorts SET archived_at = ? WHERE id = ?', [at, id]);
    },
    async candidates(cohortId, q, limit) {
      const text = q.trim().toLowerCase();
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return (await db.all<PersonRow>(CANDIDATES, { c: cohortId, q: text, pattern, limit })).map(toPerson);
    },
    shiftAssignments: async (cohortId, days) =>
      (await db.run(SHIFT_ASSIGNMENTS[db.engine], [days, cohortId])).changes,
    async recordRemoval(cohortId, payload, removedBy, at) {
      const row = await db.get<{ id: number }>(
        `INSERT INTO cohort_removals (cohort_id, kind, payload, removed_by, removed_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id`,
        [cohortId, payload.kind, JSON.stringify(payload), removedBy, at],
      );
      return row!.id;
    },
    removals: async (cohortId, since) =>
      (
        await db.all<RemovalRow>(
          `SELECT ${REMOVAL_COLUMNS} FROM cohort_removals
           WHERE cohort_id = ? AND removed_at >= ? AND undone_at IS NULL ORDER BY removed_at DESC, id DESC LIMIT 20`,
          [cohortId, since],
        )
      ).map(toRemoval),
    async removal(cohortId, id) {
      const row = await db.get<RemovalRow>(
        `SELECT ${REMOVAL_COLUMNS} FROM cohort_removals WHERE id = ? AND cohort_id = ?`,
        [id, cohortId],
      );
      return row && { ...toRemoval(row), undone: row.undone_at !== null };
    },
    async markUndone(id, at) {
      await db.run('UPDATE cohort_removals SET undone_at = ? WHERE id = ?', [at, id]);
    },
    isTrainer: async (cohortId, userId) =>
      (await db.get('SELECT 1 AS x FROM cohort_trainers WHERE cohort_id = ? AND user_id = ?', [
        cohortId,
        userId,
      ])) !== undefined,
    isMember: async (cohortId, userId) =>
      (await db.get('SELECT 1 AS x FROM cohort_members WHERE cohort_id = ? AND user_id = ?', [
        cohortId,
        userId,
      ])) !== undefined,
    async memberSince(cohortId, userId) {
      const row = await db.get<{ added_at: string }>(
        'SELECT added_at FROM cohort_members WHERE cohort_id = ? AND user_id = ?',
        [cohortId, userId],
      );
      return row && new Date(row.added_at);
    },
    async addTrainer(cohortId, userId) {
      await db.run('INSERT INTO cohort_trainers (cohort_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [
        cohortId,
        userId,
      ]);
    },
    async removeTrainer(cohortId, userId) {
      await db.run('DELETE FROM cohort_trainers WHERE cohort_id = ? AND user_id = ?', [cohortId, userId]);
    },
    trainers: async (cohortId) =>
      (
        await db.all<PersonRow>(
          `SELECT ${PERSON_COLUMNS} FROM cohort_trainers t JOIN users u ON u.id = t.user_id
           WHERE t.cohort_id = ? ORDER BY lower(u.name)`,
          [cohortId],
        )
      ).map(toPerson),
    addMember: async (cohortId, userId, addedAt) =>
      (
        await db.run(
          'INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          [cohortId, userId, addedAt],
        )
      ).changes > 0,
    removeMember: async (cohortId, userId) =>
      (await db.run('DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?', [cohortId, userId]))
        .changes > 0,
    members: async (cohortId) =>
      (
        await db.all<MemberRow>(
          `SELECT ${PERSON_COLUMNS}, m.added_at, u.last_active_at
           FROM cohort_members m JOIN users u ON u.id = m.user_id
           WHERE m.cohort_id = ? ORDER BY lower(u.name), u.id`,
          [cohortId],
        )
      ).map(toMember),
    assignments: async (cohortId) =>
      (
        await db.all<AssignmentRow>(
          `SELECT ${ASSIGNMENT_COLUMNS} FROM assignments WHERE cohort_id = ? ORDER BY due_on, module_id`,
          [cohortId],
        )
      ).map(toAssignment),
    async assignment(cohortId, id) {
      const row = await db.get<AssignmentRow>(
        `SELECT ${ASSIGNMENT_COLUMNS} FROM assignments WHERE id = ? AND cohort_id = ?`,
        [id, cohortId],
      );
      return row && toAssignment(row);
    },
    async upsertAssignment(cohortId, moduleId, dueOn, now) {
      const row = await db.get<{ id: number }>(
        `INSERT INTO assignments (cohort_id, module_id, due_on, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (cohort_id, module_id) DO UPDATE SET due_on = excluded.due_on RETURNING id`,
        [cohortId, moduleId, dueOn, now],
      );
      return row!.id;
    },
    updateAssignment: async (cohortId, id, dueOn) =>
      (
        await db.run('UPDATE assignments SET due_on = ? WHERE id = ? AND cohort_id = ?', [
          dueOn,
          id,
          cohortId,
        ])
      ).changes > 0,
    deleteAssignment: async (cohortId, id) =>
      (await db.run('DELETE FROM assignments WHERE id = ? AND cohort_id = ?', [id, cohortId])).changes > 0,
    async learnerAssignments(userId) {
      const row = await db.get<{ items: string | null; progress: string | null }>(
        LEARNER_ASSIGNMENTS[db.engine],
        [userId, userId],
      );
      return toLearnerAssignments(row?.items ?? null, row?.progress ?? null);
    },
    learnerCohorts: async (userId) =>
      (
        await db.all<CohortRow>(
          `SELECT ${COHORT_COLUMNS} FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id WHERE m.user_id = ?
           ORDER BY m.added_at DESC, m.cohort_id DESC`,
          [userId],
        )
      ).map(toCohort),
    latestVersionForLearner: async (userId) =>
      (await db.get<{ v: number | null }>(LATEST_VERSION_FOR_LEARNER, [userId]))?.v ?? null,
  };
}
