import type { Module, Pack } from '../content/types';
import type { Segment } from './search.repo';

/** Words too common to narrow a search (kept when a search has nothing else). */
const STOP_WORDS = new Set(
  (
    'a an and are as at be by do for from how in is it of on or our so that the their them they this to was we what ' +
    'when who why with you your'
  ).split(' '),
);

/** The words of a search: letters and digits, lower case, at most 12 of them, common words dropped. */
export function termsOf(q: string): string[] {
  const words = [
    ...new Set(
      fold(q)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    ),
  ];
  const useful = words.filter((w) => !STOP_WORDS.has(w));
  return (useful.length ? useful : words).slice(0, 12);
}

/** Lower case without accents, so "cafe" finds "Café". */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** A module's HTML as plain text (tags dropped, entities decoded, spaces squeezed). */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#')
        return String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)),
        );
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

interface Field {
  kind: 'title' | 'summary' | 'outcome' | 'prompt' | 'text';
  text: string;
  /** The outcome's id, for outcome fields. */
  id?: string;
  /** The folded text's words. */
  words: string[];
}

interface Entry {
  module: Module;
  section: string;
  fields: Field[];
}

const WEIGHT: Record<Field['kind'], number> = { title: 12, summary: 5, outcome: 4, prompt: 2, text: 1 };

export interface ModuleHit {
  module: Module;
  section: string;
  score: number;
  /** The best passage with the words marked (the summary when only the title matched). */
  snippet: Segment[];
  title: Segment[];
  /** The module's outcomes that match, with the words marked. */
  outcomes: { id: string; text: Segment[] }[];
}

function field(kind: Field['kind'], text: string, id?: string): Field {
  return {
    kind,
    text,
    id,
    words: fold(text)
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean),
  };
}

/** An index of one compiled pack's modules (packs never change, so one is built per pack and kept). */
export class ModuleIndex {
  private readonly entries: Entry[] = [];

  constructor(pack: Pack) {
    const sectionOf = new Map<string, string>();
    for (const s of pack.sections) for (const m of s.modules) sectionOf.set(m.id, s.title);
    for (const m of pack.modules.values()) {
      const fields = [field('title', m.title), field('summary', m.summary)];
      for (const id of m.outcomes) {
        const o = pack.outcomes.get(id);
        if (o) fields.push(field('outcome', o.text, id));
      }
      for (const p of m.prompts) fields.push(field('prompt', p.question));
      fields.push(field('text', htmlText(m.html)));
      this.entries.push({ module: m, section: sectionOf.get(m.id) ?? '', fields });
    }
  }

  /** Modules holding every term (each the start of a word somewhere in the module), best first. */
  search(terms: string[], limit = 30): ModuleHit[] {
    if (terms.length === 0) return [];
    const hits: ModuleHit[] = [];
    for (const e of this.entries) {
      let score = 0;
      let all = true;
      for (const t of terms) {
        let found = 0;
        for (const f of e.fields) {
          const n = f.words.reduce((c, w) => (w.startsWith(t) ? c + 1 : c), 0);
          if (n) found += WEIGHT[f.kind] * (1 + Math.log(n));
        }
        if (!found) {
          all = false;
          break;
        }
        score += found;
      }
      if (!all) continue;
      // the words side by side, as typed, count for more
      if (terms.length > 1) {
        const phrase = terms.join(' ');
        for (const f of e.fields) if (f.words.join(' ').includes(phrase)) score += WEIGHT[f.kind] * 3;
      }
      const text = e.fields.find((f) => f.kind === 'text')!;
      const summary = e.fields.find((f) => f.kind === 'summary')!;
      const inText = text.words.some((w) => terms.some((t) => w.startsWith(t)));
      const inSummary = summary.words.some((w) => terms.some((t) => w.startsWith(t)));
      const promptHit = e.fields.find(
        (f) => f.kind === 'prompt' && f.words.some((w) => terms.some((t) => w.startsWith(t))),
      );
      const snippetText =
        inSummary || !inText
          ? promptHit && !inSummary
            ? promptHit.text
            : summary.text
          : passage(text.text, terms);
      hits.push({
        module: e.module,
        section: e.section,
        score,
        title: mark(e.module.title, terms),
        snippet: mark(snippetText, terms),
        outcomes: e.fields
          .filter((f) => f.kind === 'outcome' && terms.every((t) => f.words.some((w) => w.startsWith(t))))
          .map((f) => ({ id: f.id!, text: mark(f.text, terms) })),
      });
    }
    return hits
      .sort((a, b) => b.score - a.score || a.module.title.localeCompare(b.module.title))
      .slice(0, limit);
  }
}

/** About 200 characters of text around the first match, cut at word boundaries. */
export function passage(text: string, terms: string[], width = 200): string {
  const folded = fold(text);
  let at = terms.length > 1 ? phraseAt(folded, terms.join(' ')) : -1;
  if (at === -1)
    for (const t of terms) {
      const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(t)}`, 'u');
      const m = re.exec(folded);
      if (m && (at === -1 || m.index < at)) at = m.index;
    }
  if (at === -1 || text.length <= width)
    return text.length <= width ? text : `${text.slice(0, width).replace(/\s\S*$/, '')} …`;
  let start = Math.max(0, at - Math.floor(width / 3));
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  let end = Math.min(text.length, start + width);
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '… ' : ''}${text.slice(start, end)}${end < text.length ? ' …' : ''}`;
}

/** Where the words appear side by side at a word start, or -1. */
function phraseAt(folded: string, phrase: string): number {
  const m = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(phrase).replace(/ /g, '[^\\p{L}\\p{N}]+')}`, 'u').exec(
    folded,
  );
  return m ? m.index : -1;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text with each word that starts with a term marked. */
export function mark(text: string, terms: string[]): Segment[] {
  if (!terms.length || !text) return text ? [{ text, match: false }] : [];
  const out: Segment[] = [];
  // Match on each word's folded form, so "cafe" marks "Café"; offsets are the original text's.
  const wordRe = /[\p{L}\p{N}\p{M}]+/gu;
  let last = 0;
  for (let m = wordRe.exec(text); m; m = wordRe.exec(text)) {
    const w = fold(m[0]);
    const t = terms.filter((x) => w.startsWith(x)).sort((a, b) => b.length - a.length)[0];
    if (!t) continue;
    // mark the matched prefix of the original word: as many original characters as fold to the term
    let len = 0;
    while (len < m[0].length && fold(m[0].slice(0, len + 1)).length <= t.length) len++;
    if (m.index > last) out.push({ text: text.slice(last, m.index), match: false });
    out.push({ text: text.slice(m.index, m.index + len), match: true });
    last = m.index + len;
  }
  if (last < text.length) out.push({ text: text.slice(last), match: false });
  return out;
}

const indexes = new Map<string, ModuleIndex>();

/** The index of a pack, built on first use and kept by content hash (compiled packs are immutable). */
export function moduleIndexFor(pack: Pack): ModuleIndex {
  let index = indexes.get(pack.hash);
  if (!index) {
    index = new ModuleIndex(pack);
    indexes.set(pack.hash, index);
  }
  return index;
}
