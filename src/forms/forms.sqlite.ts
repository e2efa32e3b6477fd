import type { Db } from '../db/sqlite/open';
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

export function createFormsSqliteRepo(db: Db): FormsRepo {
  const s = {
    insert: db.prepare<[number, string, string, number | null, string, string]>(
      'INSERT INTO submissions (user_id, module_id, data, linked_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    update: db.prepare<[string, number | null, string, number, number]>(
      'UPDATE submissions SET data = ?, linked_id = ?, updated_at = ? WHERE id = ? AND user_id = ?',
    ),
    get: db.prepare<[number], SubmissionRow>('SELECT * FROM submissions WHERE id = ?'),
    remove: db.prepare<[number, number]>('DELETE FROM submissions WHERE id = ? AND user_id = ?'),
    forModule: db.prepare<[number, string], SubmissionRow>(
      'SELECT * FROM submissions WHERE user_id = ? AND module_id = ? ORDER BY id DESC',
    ),
    forUser: db.prepare<[number], SubmissionRow>('SELECT * FROM submissions WHERE user_id = ? ORDER BY id'),
    inCohort: db.prepare<[number, string], SubmissionRow & { name: string }>(
      `SELECT s.*, u.name FROM submissions s JOIN cohort_members m ON m.user_id = s.user_id AND m.cohort_id = ?
       JOIN users u ON u.id = s.user_id WHERE s.module_id = ? AND s.updated_at >= m.added_at ORDER BY s.created_at DESC`,
    ),
    deleteActions: db.prepare<[number]>('DELETE FROM actions WHERE submission_id = ?'),
    insertAction: db.prepare<[number, number, string, string, number, string, string | null]>(
      'INSERT INTO actions (submission_id, user_id, group_id, field_id, position, text, due_on) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    actionsForUser: db.prepare<[number], ActionRow>(
      `SELECT a.*, s.module_id FROM actions a JOIN submissions s ON s.id = a.submission_id WHERE a.user_id = ?
       ORDER BY a.done, a.due_on IS NULL, a.due_on, a.id`,
    ),
    setDone: db.prepare<[number, number, number]>('UPDATE actions SET done = ? WHERE id = ? AND user_id = ?'),
    getAction: db.prepare<[number], ActionRow>(
      'SELECT a.*, s.module_id FROM actions a JOIN submissions s ON s.id = a.submission_id WHERE a.id = ?',
    ),
  };
  return {
    insert(userId, moduleId, data, linkedId) {
      const now = new Date().toISOString();
      return Number(s.insert.run(userId, moduleId, JSON.stringify(data), linkedId, now, now).lastInsertRowid);
    },
    update(id, userId, data, linkedId) {
      s.update.run(JSON.stringify(data), linkedId, new Date().toISOString(), id, userId);
    },
    get(id) {
      const row = s.get.get(id);
      return row && toSubmission(row);
    },
    remove: (id, userId) => s.remove.run(id, userId).changes > 0,
    forModule: (userId, moduleId) => s.forModule.all(userId, moduleId).map(toSubmission),
    forUser: (userId) => s.forUser.all(userId).map(toSubmission),
    inCohort: (cohortId, moduleId): CohortSubmission[] =>
      s.inCohort.all(cohortId, moduleId).map((r) => ({ ...toSubmission(r), name: r.name })),
    replaceActions(submissionId, userId, actions) {
      s.deleteActions.run(submissionId);
      for (const a of actions)
        s.insertAction.run(submissionId, userId, a.groupId, a.fieldId, a.position, a.text, a.dueOn);
    },
    actionsForUser: (userId) => s.actionsForUser.all(userId).map(toAction),
    setDone: (id, userId, done) => s.setDone.run(done ? 1 : 0, id, userId).changes > 0,
    action(id) {
      const row = s.getAction.get(id);
      return row && toAction(row);
    },
  };
}
