import type { Db } from '../db/sqlite/open';

export interface SubmissionRow {
  id: number;
  user_id: number;
  module_id: string;
  data: string;
  linked_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface ActionRow {
  id: number;
  submission_id: number;
  user_id: number;
  group_id: string;
  field_id: string;
  position: number;
  text: string;
  due_on: string | null;
  done: number;
  module_id?: string;
}

export interface NewAction {
  groupId: string;
  fieldId: string;
  position: number;
  text: string;
  dueOn: string | null;
}

export function createFormsRepo(db: Db) {
  const s = {
    insert: db.prepare('INSERT INTO submissions (user_id, module_id, data, linked_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
    update: db.prepare('UPDATE submissions SET data = ?, linked_id = ?, updated_at = ? WHERE id = ? AND user_id = ?'),
    get: db.prepare('SELECT * FROM submissions WHERE id = ?'),
    forModule: db.prepare('SELECT * FROM submissions WHERE user_id = ? AND module_id = ? ORDER BY id DESC'),
    forUser: db.prepare('SELECT * FROM submissions WHERE user_id = ? ORDER BY id'),
    inCohort: db.prepare(
      `SELECT s.*, u.name FROM submissions s JOIN cohort_members m ON m.user_id = s.user_id AND m.cohort_id = ?
       JOIN users u ON u.id = s.user_id WHERE s.module_id = ? AND s.updated_at >= m.added_at ORDER BY s.created_at DESC`,
    ),
    deleteActions: db.prepare('DELETE FROM actions WHERE submission_id = ?'),
    insertAction: db.prepare(
      'INSERT INTO actions (submission_id, user_id, group_id, field_id, position, text, due_on) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    actionsForUser: db.prepare(
      `SELECT a.*, s.module_id FROM actions a JOIN submissions s ON s.id = a.submission_id WHERE a.user_id = ?
       ORDER BY a.done, a.due_on IS NULL, a.due_on, a.id`,
    ),
    setDone: db.prepare('UPDATE actions SET done = ? WHERE id = ? AND user_id = ?'),
    getAction: db.prepare('SELECT * FROM actions WHERE id = ?'),
  };
  return {
    insert(userId: number, moduleId: string, data: string, linkedId: number | null): number {
      const now = new Date().toISOString();
      return Number(s.insert.run(userId, moduleId, data, linkedId, now, now).lastInsertRowid);
    },
    update: (id: number, userId: number, data: string, linkedId: number | null) => s.update.run(data, linkedId, new Date().toISOString(), id, userId),
    get: (id: number) => s.get.get(id) as SubmissionRow | undefined,
    forModule: (userId: number, moduleId: string) => s.forModule.all(userId, moduleId) as SubmissionRow[],
    forUser: (userId: number) => s.forUser.all(userId) as SubmissionRow[],
    inCohort: (cohortId: number, moduleId: string) => s.inCohort.all(cohortId, moduleId) as (SubmissionRow & { name: string })[],
    replaceActions(submissionId: number, userId: number, actions: NewAction[]): void {
      s.deleteActions.run(submissionId);
      for (const a of actions) s.insertAction.run(submissionId, userId, a.groupId, a.fieldId, a.position, a.text, a.dueOn);
    },
    actionsForUser: (userId: number) => s.actionsForUser.all(userId) as ActionRow[],
    setDone: (id: number, userId: number, done: boolean) => s.setDone.run(done ? 1 : 0, id, userId).changes > 0,
    action: (id: number) => s.getAction.get(id) as ActionRow | undefined,
  };
}
export type FormsRepo = ReturnType<typeof createFormsRepo>;
