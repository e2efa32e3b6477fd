import type { Sql } from '../db/ports';
import type {
  MessageKind,
  MessageList,
  MessageRecord,
  MessagesRepo,
  MessageStatus,
  NewMessage,
} from './messages.repo';

interface MessageRow {
  id: number;
  message_id: string;
  user_id: number | null;
  kind: MessageKind;
  to_address: string;
  subject: string;
  body_text: string | null;
  body_html: string | null;
  unsubscribe_url: string | null;
  status: MessageStatus;
  transport: string | null;
  attempts: number;
  last_error: string | null;
  provider_ref: string | null;
  created_at: number;
  sent_at: number | null;
  failed_at: number | null;
}

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

const toMessage = (r: MessageRow): MessageRecord => ({
  id: Number(r.id),
  messageId: r.message_id,
  userId: r.user_id === null ? null : Number(r.user_id),
  kind: r.kind,
  to: r.to_address,
  subject: r.subject,
  text: r.body_text,
  html: r.body_html,
  unsubscribeUrl: r.unsubscribe_url,
  status: r.status,
  transport: r.transport,
  attempts: r.attempts,
  lastError: r.last_error,
  providerRef: r.provider_ref,
  createdAt: new Date(Number(r.created_at)),
  sentAt: dateOrNull(r.sent_at),
  failedAt: dateOrNull(r.failed_at),
});

const COLUMNS = `id, message_id, user_id, kind, to_address, subject, body_text, body_html, unsubscribe_url, status,
  transport, attempts, last_error, provider_ref, created_at, sent_at, failed_at`;

const INSERT = `INSERT INTO messages (message_id, user_id, kind, to_address, subject, body_text, body_html,
    unsubscribe_url, dedupe_key, created_at)
  VALUES (@messageId, @userId, @kind, @to, @subject, @text, @html, @unsubscribeUrl, @dedupeKey, @now)
  ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`;
const LIST = `SELECT ${COLUMNS} FROM messages WHERE (CAST(@status AS TEXT) IS NULL OR status = @status)
  ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`;
const COUNT = 'SELECT COUNT(*) AS n FROM messages WHERE (CAST(@status AS TEXT) IS NULL OR status = @status)';

export function createMessagesRepo(db: Sql): MessagesRepo {
  return {
    async insert(m: NewMessage, now: number) {
      const row = await db.get<{ id: number }>(INSERT, { ...m, now });
      return row ? Number(row.id) : null;
    },
    async byId(id) {
      const row = await db.get<MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE id = ?`, [id]);
      return row && toMessage(row);
    },
    async markSent(id, transport, providerRef, now) {
      const result = await db.run(
        `UPDATE messages SET status = 'sent', transport = ?, provider_ref = ?, sent_at = ?, last_error = NULL
         WHERE id = ? AND status = 'queued'`,
        [transport, providerRef, now, id],
      );
      return result.changes === 1;
    },
    async markFailed(id, transport, reason, now) {
      await db.run(
        `UPDATE messages SET status = 'failed', transport = ?, last_error = ?, failed_at = ?
         WHERE id = ? AND status = 'queued'`,
        [transport, reason.slice(0, 1000), now, id],
      );
    },
    async noteAttempt(id, transport, reason) {
      await db.run(`UPDATE messages SET transport = ?, last_error = ? WHERE id = ? AND status = 'queued'`, [
        transport,
        reason.slice(0, 1000),
        id,
      ]);
    },
    async beginAttempt(id) {
      await db.run(`UPDATE messages SET attempts = attempts + 1 WHERE id = ? AND status = 'queued'`, [id]);
    },
    async requeue(id) {
      const result = await db.run(
        "UPDATE messages SET status = 'queued', failed_at = NULL WHERE id = ? AND status = 'failed' AND body_text IS NOT NULL",
        [id],
      );
      return result.changes === 1;
    },
    async list(status, limit, offset): Promise<MessageList> {
      const [rows, count] = await Promise.all([
        db.all<MessageRow>(LIST, { status, limit, offset }),
        db.get<{ n: number }>(COUNT, { status }),
      ]);
      return { messages: rows.map(toMessage), total: Number(count?.n ?? 0) };
    },
    async clearBodies(before, now) {
      const result = await db.run(
        `UPDATE messages SET body_text = NULL, body_html = NULL, body_cleared_at = ?
         WHERE created_at < ? AND body_text IS NOT NULL AND status <> 'queued'`,
        [now, before],
      );
      return result.changes;
    },
    async optOuts(userId) {
      const rows = await db.all<{ kind: string }>(
        'SELECT kind FROM notification_opt_outs WHERE user_id = ? ORDER BY kind',
        [userId],
      );
      return rows.map((r) => r.kind);
    },
    async setOptOut(userId, kind, optedOut, now) {
      if (optedOut)
        await db.run(
          `INSERT INTO notification_opt_outs (user_id, kind, created_at) VALUES (?, ?, ?)
           ON CONFLICT (user_id, kind) DO NOTHING`,
          [userId, kind, now],
        );
      else await db.run('DELETE FROM notification_opt_outs WHERE user_id = ? AND kind = ?', [userId, kind]);
    },
    async setCalendarToken(userId, hash, now) {
      await db.run('DELETE FROM calendar_feeds WHERE user_id = ?', [userId]);
      await db.run('INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)', [
        userId,
        hash,
        now,
      ]);
    },
    async deleteCalendarToken(userId) {
      await db.run('DELETE FROM calendar_feeds WHERE user_id = ?', [userId]);
    },
    async hasCalendarToken(userId) {
      return (await db.get('SELECT 1 AS x FROM calendar_feeds WHERE user_id = ?', [userId])) !== undefined;
    },
    async calendarUser(hash) {
      const row = await db.get<{ user_id: number }>(
        `SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id
         WHERE f.token_hash = ? AND u.disabled = 0`,
        [hash],
      );
      return row ? Number(row.user_id) : undefined;
    },
  };
}
