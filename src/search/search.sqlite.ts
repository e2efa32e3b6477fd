import type { Db } from '../db/sqlite/open';
import type { Role } from '../shared/actor';
import type { PeopleScope, PeopleSearchRepo, PersonHit, Segment } from './search.repo';

const OPEN = '\u0001';
const CLOSE = '\u0002';

interface Row {
  id: number;
  role: Role;
  name: string;
  email: string;
  name_hl: string;
  email_hl: string;
  cohort_id: number | null;
}

/** `highlight()` output (matches between two control characters) as segments. */
export function segmentsOf(marked: string): Segment[] {
  const out: Segment[] = [];
  for (const part of marked.split(OPEN)) {
    const close = part.indexOf(CLOSE);
    if (close === -1) {
      if (part) out.push({ text: part, match: false });
      continue;
    }
    if (close > 0) out.push({ text: part.slice(0, close), match: true });
    const rest = part.slice(close + 1);
    if (rest) out.push({ text: rest, match: false });
  }
  return out;
}

/** Each word as an FTS5 prefix query (`"sam"*`), all required: no FTS5 syntax from the searcher reaches SQLite. */
export function ftsQuery(terms: string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' ');
}

const SCOPE = `(@trainer IS NULL OR u.id IN (
    SELECT m.user_id FROM cohort_members m JOIN cohort_trainers t ON t.cohort_id = m.cohort_id
    WHERE t.user_id = @trainer) AND u.role = 'learner')`;

export function createPeopleSearchSqliteRepo(db: Db): PeopleSearchRepo {
  const hits = db.prepare<{ q: string; trainer: number | null; limit: number }, Row>(
    `SELECT u.id, u.role, u.name, u.email,
        highlight(users_fts, 0, '${OPEN}', '${CLOSE}') AS name_hl,
        highlight(users_fts, 1, '${OPEN}', '${CLOSE}') AS email_hl,
        CASE WHEN @trainer IS NULL THEN NULL ELSE (
          SELECT MIN(m.cohort_id) FROM cohort_members m JOIN cohort_trainers t ON t.cohort_id = m.cohort_id
          WHERE m.user_id = u.id AND t.user_id = @trainer) END AS cohort_id
     FROM users_fts JOIN users u ON u.id = users_fts.rowid
     WHERE users_fts MATCH @q AND u.erased_at IS NULL AND ${SCOPE}
     ORDER BY bm25(users_fts, 10.0, 4.0), u.name COLLATE NOCASE LIMIT @limit`,
  );
  const count = db.prepare<{ q: string; trainer: number | null }, { n: number }>(
    `SELECT COUNT(*) AS n FROM users_fts JOIN users u ON u.id = users_fts.rowid
     WHERE users_fts MATCH @q AND u.erased_at IS NULL AND ${SCOPE}`,
  );
  return {
    search(terms: string[], scope: PeopleScope, limit: number) {
      if (terms.length === 0) return { hits: [], total: 0 };
      const params = { q: ftsQuery(terms), trainer: scope.kind === 'trainer' ? scope.trainerId : null };
      const found: PersonHit[] = hits.all({ ...params, limit }).map((r) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        role: r.role,
        nameSegments: segmentsOf(r.name_hl),
        emailSegments: segmentsOf(r.email_hl),
        cohortId: r.cohort_id,
      }));
      return { hits: found, total: count.get(params)?.n ?? 0 };
    },
  };
}
