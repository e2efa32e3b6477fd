import type { Module, Pack } from '../content/types';

export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string };

/** Line diff by longest common subsequence; unchanged runs longer than 6 lines are folded to their edges. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i++] });
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j]))
      out.push({ kind: 'added', text: b[j++] });
    else out.push({ kind: 'removed', text: a[i++] });
  }
  return fold(out);
}

function fold(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let run: DiffLine[] = [];
  const flush = () => {
    if (run.length > 6)
      out.push(
        ...run.slice(0, 2),
        { kind: 'same', text: `… ${run.length - 4} unchanged lines …` },
        ...run.slice(-2),
      );
    else out.push(...run);
    run = [];
  };
  for (const l of lines) {
    if (l.kind === 'same') run.push(l);
    else {
      flush();
      out.push(l);
    }
  }
  flush();
  return out;
}

export interface ModuleChange {
  id: string;
  title: string;
  change: 'added' | 'replaced' | 'hidden';
  /** What changed, in plain English: "title changed", "outcome LI4 reworded", "module added". */
  summary: string[];
  diff?: DiffLine[];
}

/** What a variant changes compared with another pack (usually the base). */
export function packChanges(from: Pack, to: Pack): ModuleChange[] {
  const changes: ModuleChange[] = [];
  for (const m of to.modules.values()) {
    const prior = from.modules.get(m.id);
    if (!prior) changes.push({ id: m.id, title: m.title, change: 'added', summary: ['module added'] });
    else if (prior.source !== m.source)
      changes.push({
        id: m.id,
        title: m.title,
        change: 'replaced',
        summary: moduleSummary(from, prior, to, m),
        diff: lineDiff(prior.source, m.source),
      });
  }
  for (const m of from.modules.values())
    if (!to.modules.has(m.id))
      changes.push({ id: m.id, title: m.title, change: 'hidden', summary: ['module hidden'] });
  return changes;
}

/** The outcomes a module defines (a learning area's module), by id. */
function definedOutcomes(pack: Pack, moduleId: string): Map<string, string> {
  return new Map(
    pack.areas.filter((a) => a.moduleId === moduleId).flatMap((a) => a.outcomes.map((o) => [o.id, o.text])),
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n === 1 ? 'one' : n} ${n === 1 ? one : many}`;

/** What changed in a module, in plain English, most visible first. */
export function moduleSummary(fromPack: Pack, from: Module, toPack: Pack, to: Module): string[] {
  const out: string[] = [];
  if (from.title !== to.title) out.push(`title changed (was “${from.title}”)`);
  if (from.summary !== to.summary) out.push('summary changed');
  if (from.minutes !== to.minutes) out.push(`time changed from ${from.minutes} to ${to.minutes} minutes`);
  const before = definedOutcomes(fromPack, from.id);
  const after = definedOutcomes(toPack, to.id);
  for (const [id, text] of after) {
    const was = before.get(id);
    if (was === undefined) out.push(`outcome ${id} added`);
    else if (was !== text) out.push(`outcome ${id} reworded`);
  }
  for (const id of before.keys()) if (!after.has(id)) out.push(`outcome ${id} removed`);
  if (before.size === 0 && after.size === 0 && from.outcomes.join() !== to.outcomes.join())
    out.push('outcomes covered changed');
  const prompts = new Map(from.prompts.map((p) => [p.id, p.question]));
  const newPrompts = new Map(to.prompts.map((p) => [p.id, p.question]));
  const added = [...newPrompts.keys()].filter((id) => !prompts.has(id)).length;
  const removed = [...prompts.keys()].filter((id) => !newPrompts.has(id)).length;
  const reworded = [...newPrompts].filter(([id, q]) => prompts.has(id) && prompts.get(id) !== q).length;
  if (added) out.push(`${plural(added, 'question')} added`);
  if (reworded) out.push(`${plural(reworded, 'question')} reworded`);
  if (removed) out.push(`${plural(removed, 'question')} removed`);
  if (JSON.stringify(from.form ?? null) !== JSON.stringify(to.form ?? null)) out.push('form changed');
  const slidesBefore = from.slides.map((sl) => sl.html + sl.notesHtml);
  const slidesAfter = to.slides.map((sl) => sl.html + sl.notesHtml);
  if (slidesBefore.length !== slidesAfter.length)
    out.push(`slides changed (${slidesBefore.length} → ${slidesAfter.length})`);
  else {
    const n = slidesAfter.filter((x, i) => x !== slidesBefore[i]).length;
    if (n) out.push(`${plural(n, 'slide')} changed`);
  }
  if (from.html !== to.html && !(from.slides.length && slidesBefore.join() !== slidesAfter.join()))
    out.push('text changed');
  if (from.sources.join('\n') !== to.sources.join('\n')) out.push('sources changed');
  if (out.length === 0) out.push('settings changed');
  return out;
}

/** One line for a whole variant: "Listening: title changed; outcome LI4 reworded. Local case study: module added." */
export function summaryLine(changes: readonly Pick<ModuleChange, 'title' | 'summary'>[]): string {
  return changes.map((c) => `${c.title}: ${c.summary.join('; ')}`).join('. ');
}
