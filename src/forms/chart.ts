import type { Form } from '../content/types';
import type { Submission } from './forms.repo';

export interface RatingChart {
  svg: string;
  attempts: { label: string }[];
  rows: { id: string; title: string; values: (number | null)[]; change: number | null }[];
}

const COLOURS = ['#b1b4b6', '#5694ca', '#1d70b8', '#003078', '#0b0c0c'];
const esc = (s: string) =>
  s.replace(
    /[&<>"]/g,
    (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' } as Record<string, string>)[c]};`,
  );

/**
 * Grouped horizontal bars: one group per form row (STOP → START), one bar per attempt (the last five),
 * so the change between attempts is visible at a glance. The same numbers go in a table beside it.
 */
export function ratingChart(form: Form, submissions: Submission[]): RatingChart | null {
  const rated = form.groups
    .map((g) => ({ g, f: g.fields.find((f) => f.type === 'rating') }))
    .filter(
      (x): x is { g: (typeof form.groups)[number]; f: NonNullable<(typeof x)['f']> } => x.f !== undefined,
    );
  if (rated.length === 0 || submissions.length === 0) return null;
  const attempts = [...submissions].sort((a, b) => a.id - b.id).slice(-5);
  const max = Math.max(...rated.map((r) => r.f.max));
  const rows = rated.map(({ g, f }) => {
    const values = attempts.map((s) =>
      typeof s.data[g.id]?.[f.id] === 'number' ? (s.data[g.id][f.id] as number) : null,
    );
    const last = values[values.length - 1];
    const prev = values.length > 1 ? values[values.length - 2] : null;
    return { id: g.id, title: g.title, values, change: last !== null && prev !== null ? last - prev : null };
  });
  const labelW = 260;
  const barH = 14;
  const groupH = attempts.length * (barH + 2) + 18;
  const plotW = 300;
  const legendH = 24;
  const height = legendH + rows.length * groupH + 24;
  const width = labelW + plotW + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="chart-title chart-desc">`,
    `<title id="chart-title">Self-assessment ratings by attempt</title>`,
    `<desc id="chart-desc">Bars show each row's rating from 1 to ${max} for your last ${attempts.length} attempts; the table below gives the same numbers.</desc>`,
  ];
  attempts.forEach((_, i) => {
    parts.push(
      `<rect x="${labelW + i * 70}" y="4" width="12" height="12" fill="${COLOURS[i]}"/><text x="${labelW + i * 70 + 16}" y="14">Attempt ${i + 1}</text>`,
    );
  });
  rows.forEach((row, r) => {
    const y0 = legendH + r * groupH;
    parts.push(
      `<text x="0" y="${y0 + 14}">${esc(row.title.length > 38 ? `${row.title.slice(0, 36)}…` : row.title)}</text>`,
    );
    row.values.forEach((v, i) => {
      const y = y0 + 4 + i * (barH + 2);
      const w = v === null ? 0 : Math.round((v / max) * plotW);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="${COLOURS[i]}"/>`);
      parts.push(`<text x="${labelW + w + 4}" y="${y + barH - 3}">${v ?? '–'}</text>`);
    });
  });
  const axisY = legendH + rows.length * groupH + 4;
  parts.push(`<line x1="${labelW}" y1="${legendH}" x2="${labelW}" y2="${axisY}" stroke="#0b0c0c"/>`);
  for (let n = 0; n <= max; n++)
    parts.push(`<text x="${labelW + Math.round((n / max) * plotW) - 3}" y="${axisY + 14}">${n}</text>`);
  parts.push('</svg>');
  return { svg: parts.join(''), attempts: attempts.map((a, i) => ({ label: `Attempt ${i + 1}` })), rows };
}
