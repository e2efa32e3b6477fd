import type { Form } from '../content/types';
import { ukDate } from '../shared/dates';
import type { Submission } from './forms.repo';

export interface RatingChart {
  svg: string;
  /** Each attempt charted (the last five), oldest first, with the day it was made. */
  attempts: { label: string; date: string }[];
  rows: { id: string; title: string; values: (number | null)[]; change: number | null }[];
}

/** One colour per attempt, each with at least 3:1 contrast against white; the bars carry their numbers too. */
const COLOURS = ['#505a5f', '#1d70b8', '#00703c', '#4c2c92', '#0b0c0c'];
const esc = (s: string) =>
  s.replace(
    /[&<>"]/g,
    (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' } as Record<string, string>)[c]};`,
  );

/** The chart is drawn at phone width so that its 16 px text is never scaled down on a 320 px screen. */
export const CHART_WIDTH = 288;
const FONT = 16;
const LINE = 20;
const BAR = 18;
const GAP = 4;
const CHARS_PER_LINE = 30;

/** Breaks a title into lines that fit the chart's width at 16 px. */
function lines(text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > CHARS_PER_LINE) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/**
 * Grouped horizontal bars: one group per form row (Stop … start …), its title above its bars, one bar per attempt
 * (the last five), so the change between attempts is visible at a glance. A sans-serif font of 16 px, drawn at
 * phone width. The same numbers go in a table below it.
 */
export function ratingChart(form: Form, submissions: Submission[]): RatingChart | null {
  const rated = form.groups
    .map((g) => ({ g, f: g.fields.find((f) => f.type === 'rating') }))
    .filter(
      (x): x is { g: (typeof form.groups)[number]; f: NonNullable<(typeof x)['f']> } => x.f !== undefined,
    );
  if (rated.length === 0 || submissions.length === 0) return null;
  const chosen = [...submissions].sort((a, b) => a.id - b.id).slice(-5);
  const first = submissions.length - chosen.length;
  const attempts = chosen.map((s, i) => ({
    label: `Attempt ${first + i + 1}`,
    date: s.createdAt.toISOString().slice(0, 10),
  }));
  const max = Math.max(...rated.map((r) => r.f.max));
  const rows = rated.map(({ g, f }) => {
    const values = chosen.map((s) =>
      typeof s.data[g.id]?.[f.id] === 'number' ? (s.data[g.id][f.id] as number) : null,
    );
    const last = values[values.length - 1];
    const prev = values.length > 1 ? values[values.length - 2] : null;
    return { id: g.id, title: g.title, values, change: last !== null && prev !== null ? last - prev : null };
  });

  const width = CHART_WIDTH;
  const plotW = width - 36;
  const body: string[] = [];
  let y = 0;
  attempts.forEach((a, i) => {
    body.push(
      `<rect x="0" y="${y + 3}" width="16" height="16" fill="${COLOURS[i]}"/>` +
        `<text x="24" y="${y + FONT}">${esc(`${a.label}, ${ukDate(a.date)}`)}</text>`,
    );
    y += LINE + 4;
  });
  y += 8;
  rows.forEach((row) => {
    y += 12;
    for (const l of lines(row.title)) {
      y += LINE;
      body.push(`<text x="0" y="${y - 4}" font-weight="bold">${esc(l)}</text>`);
    }
    y += 4;
    row.values.forEach((v, i) => {
      const w = v === null ? 0 : Math.max(2, Math.round((v / max) * plotW));
      body.push(`<rect x="0" y="${y}" width="${w}" height="${BAR}" fill="${COLOURS[i]}"/>`);
      body.push(`<text x="${w + 6}" y="${y + BAR - 3}">${v ?? '–'}</text>`);
      y += BAR + GAP;
    });
  });
  const height = y + 8;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
      `font-family="arial, sans-serif" font-size="${FONT}" fill="#0b0c0c" role="img" aria-labelledby="chart-title chart-desc">`,
    `<title id="chart-title">Self-assessment ratings by attempt</title>`,
    `<desc id="chart-desc">Bars show each row's rating from 1 to ${max} for your last ${attempts.length} attempts; ` +
      'the table below gives the same numbers.</desc>',
    ...body,
    '</svg>',
  ].join('');
  return { svg, attempts, rows };
}
