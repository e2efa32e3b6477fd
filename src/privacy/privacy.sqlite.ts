import type { Db } from '../db/sqlite/open';
import type { PersonRecord, PrivacyRepo, PrivacySubject, Row } from './privacy.repo';

export function createPrivacySqliteRepo(db: Db): PrivacyRepo {
  /** A query of one person's rows, handed on exactly as stored: the export names columns as the tables do, by design. */
  const rows = (sql: string) => db.prepare<[number], Row>(sql);
  const s = {
    account: rows(
      'SELECT id, email, name, role, disabled, password_changed_at, created_at, last_active_at, erased_at FROM users WHERE id = ?',
    ),
    subject: db.prepare<[number], { id: number; email: string; name: string; erased_at: string | null }>(
      'SELECT id, email, name, erased_at FROM users WHERE id = ?',
    ),
    sessions: rows('SELECT created_at, last_seen_at FROM sessions WHERE user_id = ? ORDER BY created_at'),
    signInAddresses: rows(
      `WITH me AS (SELECT email_norm FROM users WHERE id = ?)
       SELECT k.address, 'signed in' AS what, k.last_success AS at FROM signin_known k JOIN me ON me.email_norm = k.email_norm
       UNION ALL SELECT f.address, 'failed sign-in' AS what, f.at FROM signin_failures f JOIN me ON me.email_norm = f.email_norm
       ORDER BY at`,
    ),
    apiTokens: rows(
      'SELECT id, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id',
    ),
    passwordLinks: rows(
      'SELECT created_by, created_at, expires_at, used_at FROM password_links WHERE user_id = ? ORDER BY created_at',
    ),
    cohortsAsLearner: rows(
      'SELECT m.cohort_id, c.name AS cohort_name, m.added_at FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id WHERE m.user_id = ? ORDER BY m.cohort_id',
    ),
    cohortsAsTrainer: rows(
      'SELECT t.cohort_id, c.name AS cohort_name FROM cohort_trainers t JOIN cohorts c ON c.id = t.cohort_id WHERE t.user_id = ? ORDER BY t.cohort_id',
    ),
    moduleProgress: rows(
      'SELECT module_id, status, started_at, completed_at FROM module_progress WHERE user_id = ? ORDER BY module_id',
    ),
    outcomeProgress: rows(
      'SELECT outcome_id, status, evidence, updated_at FROM outcome_progress WHERE user_id = ? ORDER BY outcome_id',
    ),
    outcomeHistory: rows(
      'SELECT id, outcome_id, status, evidence, changed_at FROM outcome_history WHERE user_id = ? ORDER BY id',
    ),
    responses: rows(
      'SELECT module_id, prompt_id, text, shared, updated_at FROM responses WHERE user_id = ? ORDER BY module_id, prompt_id',
    ),
    submissions: rows(
      'SELECT id, module_id, data, linked_id, created_at, updated_at FROM submissions WHERE user_id = ? ORDER BY id',
    ),
    actions: rows(
      'SELECT id, submission_id, group_id, field_id, position, text, due_on, done FROM actions WHERE user_id = ? ORDER BY id',
    ),
    events: rows(
      'SELECT id, at, verb, object_type, object_id, module_id, result FROM events WHERE user_id = ? ORDER BY id',
    ),
    auditEntries: db.prepare<{ id: number }, Row>(
      "SELECT id, at, actor_id, actor_email, action, target, detail, ip FROM audit_log WHERE actor_id = @id OR target = 'user:' || @id ORDER BY id",
    ),
    variantsCreated: rows('SELECT id, name, created_at FROM variants WHERE created_by = ? ORDER BY id'),
    variantVersionsUploaded: rows(
      'SELECT id, variant_id, version, status, created_at FROM variant_versions WHERE uploaded_by = ? ORDER BY id',
    ),

    anonymiseUser: db.prepare(
      `UPDATE users SET email = @placeholder, email_norm = @placeholder, name = @name, password_hash = NULL, disabled = 1,
         password_changed_at = NULL, last_active_at = NULL, erased_at = @now WHERE id = @id`,
    ),
    deleteSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    deleteSigninFailures: db.prepare('DELETE FROM signin_failures WHERE email_norm = lower(?)'),
    deleteSigninKnown: db.prepare('DELETE FROM signin_known WHERE email_norm = lower(?)'),
    deleteTokens: db.prepare('DELETE FROM api_tokens WHERE user_id = ?'),
    deleteLinks: db.prepare('DELETE FROM password_links WHERE user_id = ?'),
    deleteResponses: db.prepare('DELETE FROM responses WHERE user_id = ?'),
    deleteActions: db.prepare('DELETE FROM actions WHERE user_id = ?'),
    deleteSubmissions: db.prepare('DELETE FROM submissions WHERE user_id = ?'),
    clearEvidence: db.prepare("UPDATE outcome_progress SET evidence = '' WHERE user_id = ?"),
    clearHistoryEvidence: db.prepare("UPDATE outcome_history SET evidence = '' WHERE user_id = ?"),
    // Events keep verb and object (cohort statistics and the LRS cursor rely on them); free text in results goes.
    clearEventText: db.prepare(
      "UPDATE events SET result = NULL WHERE user_id = ? AND verb IN ('answered', 'submitted')",
    ),
    clearAuditAsActor: db.prepare('UPDATE audit_log SET actor_email = NULL, ip = NULL WHERE actor_id = ?'),
    clearAuditAsTarget: db.prepare("UPDATE audit_log SET detail = NULL WHERE target = 'user:' || ?"),
    scrubAuditMentions: db.prepare(
      `UPDATE audit_log SET detail = replace(replace(detail, @email, '[erased]'), @name, '[erased]')
       WHERE instr(detail, @email) > 0 OR (length(@name) >= 3 AND instr(detail, @name) > 0)`,
    ),
    scrubAuditEmail: db.prepare(
      'UPDATE audit_log SET actor_email = NULL WHERE lower(actor_email) = lower(?)',
    ),

    retentionDue: db.prepare<[string], { id: number }>(
      `SELECT id FROM users WHERE role = 'learner' AND erased_at IS NULL
         AND COALESCE(last_active_at, created_at) < ? ORDER BY id`,
    ),
  };

  return {
    personRecord(userId: number): PersonRecord {
      const all = (stmt: { all: (id: number) => Row[] }): Row[] => stmt.all(userId);
      return {
        account: s.account.get(userId),
        sessions: all(s.sessions),
        signInAddresses: all(s.signInAddresses),
        apiTokens: all(s.apiTokens),
        passwordLinks: all(s.passwordLinks),
        cohortsAsLearner: all(s.cohortsAsLearner),
        cohortsAsTrainer: all(s.cohortsAsTrainer),
        moduleProgress: all(s.moduleProgress),
        outcomeProgress: all(s.outcomeProgress),
        outcomeHistory: all(s.outcomeHistory),
        responses: all(s.responses),
        submissions: all(s.submissions),
        actions: all(s.actions),
        events: all(s.events),
        auditEntries: s.auditEntries.all({ id: userId }),
        variantsCreated: all(s.variantsCreated),
        variantVersionsUploaded: all(s.variantVersionsUploaded),
      };
    },

    /** Removes or anonymises every piece of personal data of one person; the caller wraps it in a transaction. */
    anonymise(userId: number, email: string, name: string, now: string): void {
      s.scrubAuditMentions.run({ email, name });
      s.scrubAuditEmail.run(email);
      s.clearAuditAsActor.run(userId);
      s.clearAuditAsTarget.run(userId);
      s.deleteSessions.run(userId);
      s.deleteSigninFailures.run(email);
      s.deleteSigninKnown.run(email);
      s.deleteTokens.run(userId);
      s.deleteLinks.run(userId);
      s.deleteResponses.run(userId);
      s.deleteActions.run(userId);
      s.deleteSubmissions.run(userId);
      s.clearEvidence.run(userId);
      s.clearHistoryEvidence.run(userId);
      s.clearEventText.run(userId);
      s.anonymiseUser.run({
        id: userId,
        placeholder: `erased-${userId}@erased.invalid`,
        name: `Erased person ${userId}`,
        now,
      });
    },

    subject(userId: number): PrivacySubject | undefined {
      const r = s.subject.get(userId);
      return (
        r && {
          id: r.id,
          email: r.email,
          name: r.name,
          erasedAt: r.erased_at === null ? null : new Date(r.erased_at),
        }
      );
    },

    retentionDue(cutoffIso: string): number[] {
      return s.retentionDue.all(cutoffIso).map((r) => r.id);
    },
  };
}
