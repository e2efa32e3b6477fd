import type { Pack } from '../content/types';

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
  diff?: DiffLine[];
}

/** What a variant changes compared with another pack (usually the base). */
export function packChanges(from: Pack, to: Pack): ModuleChange[] {
  const changes: ModuleChange[] = [];
  for (const m of to.modules.values()) {
    const prior = from.modules.get(m.id);
    if (!prior) changes.push({ id: m.id, title: m.title, change: 'added' });
    else if (prior.source !== m.source)
      changes.push({ id: m.id, title: m.title, change: 'replaced', diff: lineDiff(prior.source, m.source) });
  }
  for (const m of from.modules.values())
    if (!to.modules.has(m.id)) changes.push({ id: m.id, title: m.title, change: 'hidden' });
  return changes;
}
