import type { Sql } from '../db/ports';
import type { PersonRecord, PrivacyRepo, PrivacySubject, Row } from './privacy.repo';

/**
 * Queries of one person's rows (one `?`: the person's id), handed on exactly as stored: the export names columns as
 * the tables do, by design.
 */
const PERSON = {
  sessions: 'SELECT created_at, last_seen_at FROM sessions WHERE user_id = ? ORDER BY created_at',
  signInAddresses: `WITH me AS (SELECT email_norm FROM users WHERE id = ?)
    SELECT k.address, 'signed in' AS what, k.last_success AS at FROM signin_known k JOIN me ON me.email_norm = k.email_norm
    UNION ALL SELECT f.address, 'failed sign-in' AS what, f.at FROM signin_failures f JOIN me ON me.email_norm = f.email_norm
    ORDER BY at`,
  apiTokens: 'SELECT id, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id',
  singleSignOn:
    'SELECT issuer_key, subject, created_at, last_sign_in_at FROM sso_identities WHERE user_id = ? ORDER BY id',
  learningPlatforms:
    'SELECT issuer, subject, created_at, last_launch_at FROM lti_identities WHERE user_id = ? ORDER BY id',
  platformCoursesLeft:
    'SELECT cohort_id, added_at, left_at FROM lti_left_members WHERE user_id = ? ORDER BY cohort_id',
  deepLinkRequests:
    'SELECT deployment_id, cohort_id, return_url, expires_at FROM lti_deep_links WHERE user_id = ? ORDER BY expires_at',
  passwordLinks:
    'SELECT created_by, created_at, expires_at, used_at FROM password_links WHERE user_id = ? ORDER BY created_at',
  cohortsAsLearner:
    'SELECT m.cohort_id, c.name AS cohort_name, m.added_at FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id ' +
    'WHERE m.user_id = ? ORDER BY m.cohort_id',
  cohortsAsTrainer:
    'SELECT t.cohort_id, c.name AS cohort_name FROM cohort_trainers t JOIN cohorts c ON c.id = t.cohort_id ' +
    'WHERE t.user_id = ? ORDER BY t.cohort_id',
  moduleProgress:
    'SELECT module_id, status, started_at, completed_at FROM module_progress WHERE user_id = ? ORDER BY module_id',
  outcomeProgress:
    'SELECT outcome_id, status, evidence, updated_at FROM outcome_progress WHERE user_id = ? ORDER BY outcome_id',
  outcomeHistory:
    'SELECT id, outcome_id, status, evidence, changed_at FROM outcome_history WHERE user_id = ? ORDER BY id',
  outcomeReviews:
    'SELECT id, outcome_id, evidence, note, submitted_at, decision, decided_by, decided_by_name, decided_at, comment ' +
    'FROM outcome_reviews WHERE user_id = ? ORDER BY id',
  reviewsDecided:
    'SELECT id, user_id AS learner_id, outcome_id, decision, decided_at, comment FROM outcome_reviews ' +
    'WHERE decided_by = ? ORDER BY id',
  responses:
    'SELECT module_id, prompt_id, text, shared, updated_at FROM responses WHERE user_id = ? ORDER BY module_id, prompt_id',
  submissions:
    'SELECT id, module_id, data, linked_id, created_at, updated_at FROM submissions WHERE user_id = ? ORDER BY id',
  actions:
    'SELECT id, submission_id, group_id, field_id, position, text, due_on, done FROM actions WHERE user_id = ? ORDER BY id',
  events:
    'SELECT id, at, verb, object_type, object_id, module_id, result FROM events WHERE user_id = ? ORDER BY id',
  messages:
    'SELECT id, kind, to_address, subject, body_text, status, created_at, sent_at FROM messages WHERE user_id = ? ORDER BY id',
  notificationOptOuts: 'SELECT kind, created_at FROM notification_opt_outs WHERE user_id = ? ORDER BY kind',
  calendarFeed: 'SELECT created_at FROM calendar_feeds WHERE user_id = ?',
  badges:
    'SELECT id, area_id, area_title, issued_at, revoked_at, revoked_reason, credential FROM badges WHERE user_id = ? ' +
    'ORDER BY issued_at, id',
  badgeSettings: 'SELECT show_email, updated_at FROM badge_settings WHERE user_id = ?',
  remindersSent:
    'SELECT cohort_id, module_id, due_on, kind, sent_at FROM reminders_sent WHERE user_id = ? ORDER BY sent_at, module_id',
  variantsCreated: 'SELECT id, name, created_at FROM variants WHERE created_by = ? ORDER BY id',
  variantVersionsUploaded:
    'SELECT id, variant_id, version, status, created_at FROM variant_versions WHERE uploaded_by = ? ORDER BY id',
} as const;

const ACCOUNT =
  'SELECT id, email, name, role, disabled, password_changed_at, created_at, last_active_at, erased_at FROM users WHERE id = ?';
// `target` is `user:<id>`, built in JS (not `'user:' || ?`, whose parameter PostgreSQL could not type).
const AUDIT_ENTRIES =
  'SELECT id, at, actor_id, actor_email, action, target, detail, ip FROM audit_log WHERE actor_id = ? OR target = ? ORDER BY id';

const ANONYMISE_USER = `UPDATE users SET email = @placeholder, email_norm = @placeholder, name = @name, password_hash = NULL,
    disabled = 1, password_changed_at = NULL, last_active_at = NULL, erased_at = @now WHERE id = @id`;
/** Case-sensitive `replace`, so the LIKE (case-insensitive on SQLite) only picks the rows that may change. */
const SCRUB_AUDIT_MENTIONS = `UPDATE audit_log SET detail = replace(replace(detail, @email, '[erased]'), @name, '[erased]')
  WHERE detail LIKE @emailLike ESCAPE '\\' OR (length(@name) >= 3 AND detail LIKE @nameLike ESCAPE '\\')`;
// Events keep verb and object (cohort statistics and the LRS cursor rely on them); free text in results goes.
const CLEAR_EVENT_TEXT =
  "UPDATE events SET result = NULL WHERE user_id = ? AND verb IN ('answered', 'submitted')";
const RETENTION_DUE = `SELECT id FROM users WHERE role = 'learner' AND erased_at IS NULL
  AND COALESCE(last_active_at, created_at) < ? ORDER BY id`;

const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createPrivacyRepo(db: Sql): PrivacyRepo {
  return {
    async personRecord(userId: number): Promise<PersonRecord> {
      const lists = Object.entries(PERSON) as [keyof typeof PERSON, string][];
      const [account, auditEntries, rows] = await Promise.all([
        db.get<Row>(ACCOUNT, [userId]),
        db.all<Row>(AUDIT_ENTRIES, [userId, `user:${userId}`]),
        Promise.all(lists.map(([, sql]) => db.all<Row>(sql, [userId]))),
      ]);
      const byKey = Object.fromEntries(lists.map(([key], i) => [key, rows[i]])) as Record<
        keyof typeof PERSON,
        Row[]
      >;
      // the export's order: the account, what they did, the audit log, then what they made
      const { variantsCreated, variantVersionsUploaded, ...activity } = byKey;
      return { account, ...activity, auditEntries, variantsCreated, variantVersionsUploaded };
    },

    /** Removes or anonymises every piece of personal data of one person; the caller wraps it in a unit of work. */
    async anonymise(userId: number, email: string, name: string, now: string): Promise<void> {
      await db.run(SCRUB_AUDIT_MENTIONS, {
        email,
        name,
        emailLike: contains(email),
        nameLike: contains(name),
      });
      await db.run('UPDATE audit_log SET actor_email = NULL WHERE lower(actor_email) = lower(?)', [email]);
      await db.run('UPDATE audit_log SET actor_email = NULL, ip = NULL WHERE actor_id = ?', [userId]);
      await db.run('UPDATE audit_log SET detail = NULL WHERE target = ?', [`user:${userId}`]);
      await db.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM signin_failures WHERE email_norm = lower(?)', [email]);
      await db.run('DELETE FROM signin_known WHERE email_norm = lower(?)', [email]);
      await db.run('DELETE FROM api_tokens WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM sso_identities WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM lti_identities WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM lti_left_members WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM lti_deep_links WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM password_links WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM messages WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM notification_opt_outs WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM calendar_feeds WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM reminders_sent WHERE user_id = ?', [userId]);
      // our copies of their badges (the credentials they hold stay valid: erasure is not revocation)
      await db.run('DELETE FROM badges WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM badge_settings WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM responses WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM actions WHERE user_id = ?', [userId]);
      await db.run('DELETE FROM submissions WHERE user_id = ?', [userId]);
      await db.run("UPDATE outcome_progress SET evidence = '' WHERE user_id = ?", [userId]);
      await db.run("UPDATE outcome_history SET evidence = '' WHERE user_id = ?", [userId]);
      await db.run("UPDATE outcome_reviews SET evidence = '', note = '', comment = '' WHERE user_id = ?", [
        userId,
      ]);
      // a reviewer's decisions stay part of the learners' history, without their name
      await db.run('UPDATE outcome_reviews SET decided_by_name = NULL WHERE decided_by = ?', [userId]);
      await db.run(CLEAR_EVENT_TEXT, [userId]);
      await db.run(ANONYMISE_USER, {
        id: userId,
        placeholder: `erased-${userId}@erased.invalid`,
        name: `Erased person ${userId}`,
        now,
      });
    },

    async subject(userId: number): Promise<PrivacySubject | undefined> {
      const r = await db.get<{ id: number; email: string; name: string; erased_at: string | null }>(
        'SELECT id, email, name, erased_at FROM users WHERE id = ?',
        [userId],
      );
      return (
        r && {
          id: r.id,
          email: r.email,
          name: r.name,
          erasedAt: r.erased_at === null ? null : new Date(r.erased_at),
        }
      );
    },

    retentionDue: async (cutoffIso: string) =>
      (await db.all<{ id: number }>(RETENTION_DUE, [cutoffIso])).map((r) => r.id),
  };
}
