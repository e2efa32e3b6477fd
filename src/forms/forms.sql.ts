import type { Sql } from '../db/ports';
import type { Action, CohortSubmission, FormValues, FormsRepo, Submission } from './forms.repo';

interface SubmissionRow {
  id: number;
  user_id: number;
  module_id: string;
  data: string;
  linked_id: number | null;
  created_at: string;
  updated_at: string;
}

interface ActionRow {
  id: number;
  submission_id: number;
  user_id: number;
  module_id: string;
  group_id: string;
  field_id: string;
  position: number;
  text: string;
  due_on: string | null;
  done: number;
}

function toSubmission(r: SubmissionRow): Submission {
  return {
    id: r.id,
    userId: r.user_id,
    moduleId: r.module_id,
    data: JSON.parse(r.data) as FormValues,
    linkedId: r.linked_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toAction(r: ActionRow): Action {
  return {
    id: r.id,
    submissionId: r.submission_id,
    userId: r.user_id,
    moduleId: r.module_id,
    groupId: r.group_id,
    fieldId: r.field_id,
    position: r.position,
    text: r.text,
    dueOn: r.due_on,
    done: r.done === 1,
  };
}

const INSERT = `INSERT INTO submissions (user_id, module_id, data, linked_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
  RETURNING id`;
const UPDATE = 'UPDATE submissions SET data = ?, linked_id = ?, updated_at = ? WHERE id = ? AND user_id = ?';
const GET = 'SELECT * FROM submissions WHERE id = ?';
const REMOVE = 'DELETE FROM submissions WHERE id = ? AND user_id = ?';
const FOR_MODULE = 'SELECT * FROM submissions WHERE user_id = ? AND module_id = ? ORDER BY id DESC';
const FOR_USER = 'SELECT * FROM submissions WHERE user_id = ? ORDER BY id';
const IN_COHORT = `SELECT s.*, u.name FROM submissions s JOIN cohort_members m ON m.user_id = s.user_id AND m.cohort_id = ?
  JOIN users u ON u.id = s.user_id WHERE s.module_id = ? AND s.updated_at >= m.added_at ORDER BY s.created_at DESC`;
const DELETE_ACTIONS = 'DELETE FROM actions WHERE submission_id = ?';
const INSERT_ACTION = `INSERT INTO actions (submission_id, user_id, group_id, field_id, position, text, due_on)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;
// `due_on IS NULL` first puts dated actions before undated ones on both engines (their NULLs sort differently).
const ACTIONS_FOR_USER = `SELECT a.*, s.module_id FROM actions a JOIN submissions s ON s.id = a.submission_id WHERE a.user_id = ?
  ORDER BY a.done, a.due_on IS NULL, a.due_on, a.id`;
const SET_DONE = 'UPDATE actions SET done = ? WHERE id = ? AND user_id = ?';
const GET_ACTION =
  'SELECT a.*, s.module_id FROM actions a JOIN submissions s ON s.id = a.submission_id WHERE a.id = ?';

export function createFormsRepo(db: Sql): FormsRepo {
  return {
    async insert(userId, moduleId, data, linkedId, now) {
      const row = await db.get<{ id: number }>(INSERT, [
        userId,
        moduleId,
        JSON.stringify(data),
        linkedId,
        now,
        now,
      ]);
      return row!.id;
    },
    async update(id, userId, data, linkedId, now) {
      await db.run(UPDATE, [JSON.stringify(data), linkedId, now, id, userId]);
    },
    async get(id) {
      const row = await db.get<SubmissionRow>(GET, [id]);
      return row && toSubmission(row);
    },
    remove: async (id, userId) => (await db.run(REMOVE, [id, userId])).changes > 0,
    forModule: async (userId, moduleId) =>
      (await db.all<SubmissionRow>(FOR_MODULE, [userId, moduleId])).map(toSubmission),
    forUser: async (userId) => (await db.all<SubmissionRow>(FOR_USER, [userId])).map(toSubmission),
    inCohort: async (cohortId, moduleId): Promise<CohortSubmission[]> =>
      (await db.all<SubmissionRow & { name: string }>(IN_COHORT, [cohortId, moduleId])).map((r) => ({
        ...toSubmission(r),
        name: r.name,
      })),
    async replaceActions(submissionId, userId, actions) {
      await db.run(DELETE_ACTIONS, [submissionId]);
      for (const a of actions)
        await db.run(INSERT_ACTION, [
          submissionId,
          userId,
          a.groupId,
          a.fieldId,
          a.position,
          a.text,
          a.dueOn,
        ]);
    },
    actionsForUser: async (userId) => (await db.all<ActionRow>(ACTIONS_FOR_USER, [userId])).map(toAction),
    setDone: async (id, userId, done) => (await db.run(SET_DONE, [done ? 1 : 0, id, userId])).changes > 0,
    async action(id) {
      const row = await db.get<ActionRow>(GET_ACTION, [id]);
      return row && toAction(row);
    },
  };
}
