import type { Sql } from '../db/ports';
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

/**
 * Segments marked on a character-for-character fold of `original` (PostgreSQL's `search_fold`), carried over to the
 * same characters of `original`, so the person's name and address are shown as written.
 */
export function onOriginal(original: string, segments: Segment[]): Segment[] {
  const chars = Array.from(original);
  let at = 0;
  return segments.map((s) => {
    const length = Array.from(s.text).length;
    const text = chars.slice(at, at + length).join('');
    at += length;
    return { text, match: s.match };
  });
}

/** Each word as an FTS5 prefix query (`"sam"*`), all required: no FTS5 syntax from the searcher reaches SQLite. */
export function ftsQuery(terms: string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' ');
}

// PostgreSQL cannot type a parameter met first in `IS NULL`: the casts name it.
const SCOPE = `(CAST(@trainer AS BIGINT) IS NULL OR u.id IN (
    SELECT m.user_id FROM cohort_members m JOIN cohort_trainers t ON t.cohort_id = m.cohort_id
    WHERE t.user_id = @trainer) AND u.role = 'learner')`;

/**
 * Each word as a PostgreSQL prefix query (`sam:* & smith:*`), all required. Terms are letters and digits only (see
 * `termsOf`), but each is quoted as a lexeme anyway so no tsquery syntax from the searcher reaches PostgreSQL.
 */
export function tsQuery(terms: string[]): string {
  return terms.map((t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');
}

/** `ts_headline` marks matches with the same two control characters as FTS5's `highlight()`, over the whole text. */
const HEADLINE = `StartSel=${OPEN}, StopSel=${CLOSE}, HighlightAll=true`;

const COHORT_OF = `CASE WHEN CAST(@trainer AS BIGINT) IS NULL THEN NULL ELSE (
    SELECT MIN(m.cohort_id) FROM cohort_members m JOIN cohort_trainers t ON t.cohort_id = m.cohort_id
    WHERE m.user_id = u.id AND t.user_id = @trainer) END`;

// Deliberate dialect difference (see migrations 011): SQLite searches an FTS5 table kept in step by triggers, ranked
// by bm25 with the name weighted above the email address; PostgreSQL searches the generated `users.search` tsvector
// (GIN index), ranked by ts_rank (higher is better, where bm25 is lower is better), marking matches with ts_headline.
// PostgreSQL's vector is of `search_fold(...)` text (accents off, an address's punctuation as spaces, so words split as
// unicode61 splits them); ts_headline marks that folded text, and `onOriginal` puts the marks back on the original.
const HITS = {
  sqlite: `SELECT u.id, u.role, u.name, u.email,
      highlight(users_fts, 0, '${OPEN}', '${CLOSE}') AS name_hl,
      highlight(users_fts, 1, '${OPEN}', '${CLOSE}') AS email_hl,
      ${COHORT_OF} AS cohort_id
    FROM users_fts JOIN users u ON u.id = users_fts.rowid
    WHERE users_fts MATCH @q AND u.erased_at IS NULL AND ${SCOPE}
    ORDER BY bm25(users_fts, 10.0, 4.0), lower(u.name) LIMIT @limit`,
  postgres: `SELECT u.id, u.role, u.name, u.email,
      ts_headline('simple', search_fold(u.name), to_tsquery('simple', @q), @headline) AS name_hl,
      ts_headline('simple', search_fold(u.email), to_tsquery('simple', @q), @headline) AS email_hl,
      ${COHORT_OF} AS cohort_id
    FROM users u
    WHERE u.search @@ to_tsquery('simple', @q) AND u.erased_at IS NULL AND ${SCOPE}
    ORDER BY ts_rank(u.search, to_tsquery('simple', @q)) DESC, lower(u.name) LIMIT @limit`,
} as const;
const COUNT = {
  sqlite: `SELECT COUNT(*) AS n FROM users_fts JOIN users u ON u.id = users_fts.rowid
    WHERE users_fts MATCH @q AND u.erased_at IS NULL AND ${SCOPE}`,
  postgres: `SELECT COUNT(*) AS n FROM users u
    WHERE u.search @@ to_tsquery('simple', @q) AND u.erased_at IS NULL AND ${SCOPE}`,
} as const;

export function createPeopleSearchRepo(db: Sql): PeopleSearchRepo {
  return {
    async search(terms: string[], scope: PeopleScope, limit: number) {
      if (terms.length === 0) return { hits: [], total: 0 };
      const trainer = scope.kind === 'trainer' ? scope.trainerId : null;
      const params =
        db.engine === 'sqlite' ? { q: ftsQuery(terms), trainer } : { q: tsQuery(terms), trainer };
      const hitParams =
        db.engine === 'sqlite' ? { ...params, limit } : { ...params, limit, headline: HEADLINE };
      const [rows, count] = await Promise.all([
        db.all<Row>(HITS[db.engine], hitParams),
        db.get<{ n: number }>(COUNT[db.engine], params),
      ]);
      const marks = (original: string, marked: string) =>
        db.engine === 'sqlite' ? segmentsOf(marked) : onOriginal(original, segmentsOf(marked));
      const found: PersonHit[] = rows.map((r) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        role: r.role,
        nameSegments: marks(r.name, r.name_hl),
        emailSegments: marks(r.email, r.email_hl),
        cohortId: r.cohort_id,
      }));
      return { hits: found, total: count?.n ?? 0 };
    },
  };
}
