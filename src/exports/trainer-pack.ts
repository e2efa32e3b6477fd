import fs from 'node:fs';
import yazl from 'yazl';
import type { Module, Pack, Section } from '../content/types';
import { dateAndClockTime } from '../shared/dates';
import { describeVersion, type ExportMeta } from './meta';

// The trainer's pack: every deck as PowerPoint and every other module as Word, in the pack's section folders, the
// seven areas' session plans as one facilitator guide, and a README saying what is where and which version it is.
// Runs in an export worker (export-worker.ts): it writes the zip to a file, reporting each file it adds.

/** The Office writers the trainer's pack is made with (pptx.ts and docx.ts; tests may pass others). */
export interface OfficeWriters {
  deck(deck: Module, meta: ExportMeta): Promise<Buffer>;
  modules(title: string, modules: readonly Module[], pack: Pack, meta: ExportMeta): Promise<Buffer>;
  guide(pack: Pack, meta: ExportMeta): Promise<Buffer>;
}

export const GUIDE_FILE = 'Facilitator guide.docx';
export const README_FILE = 'README.txt';

/** One file of the zip: where it goes, what it is, and how it is made. */
export interface PackEntry {
  readonly path: string;
  readonly title: string;
  make(): Promise<Buffer>;
}

/** A deck is a module with slides: it goes as PowerPoint; every other module as Word. */
export const isDeck = (mod: Module): boolean => mod.kind === 'slides' && mod.slides.length > 0;

/**
 * A title as a file name Windows, macOS and zip tools all accept: no path or reserved characters, no control
 * characters, no trailing dot or space, and short enough for a deep folder on Windows.
 */
export function fileNameOf(title: string, maxLength = 80): string {
  const cleaned = title
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s*:\s*/g, ' - ')
    .replace(/[?*"]/g, '')
    .replace(/[<>/\\|]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = [...cleaned].slice(0, maxLength).join('');
  return cut.replace(/[. ]+$/, '') || 'Untitled';
}

/** The files of one section: numbered in the pack's order, so a folder lists them as the pack runs. */
function sectionEntries(section: Section, pack: Pack, meta: ExportMeta, writers: OfficeWriters): PackEntry[] {
  const width = Math.max(2, String(section.modules.length).length);
  return section.modules.map((mod, i) => {
    const number = String(i + 1).padStart(width, '0');
    const deck = isDeck(mod);
    return {
      path: `${section.dir}/${number} ${fileNameOf(mod.title)}.${deck ? 'pptx' : 'docx'}`,
      title: mod.title,
      make: () => (deck ? writers.deck(mod, meta) : writers.modules(mod.title, [mod], pack, meta)),
    };
  });
}

/** Every Office file of the trainer's pack, in the order they are made and listed (the README comes last). */
export function trainerPackEntries(pack: Pack, meta: ExportMeta, writers: OfficeWriters): PackEntry[] {
  return [
    { path: GUIDE_FILE, title: 'Facilitator guide', make: () => writers.guide(pack, meta) },
    ...pack.sections.flatMap((s) => sectionEntries(s, pack, meta, writers)),
  ];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function sectionLines(section: Section, entries: readonly PackEntry[]): string[] {
  const files = entries.filter((e) => e.path.startsWith(`${section.dir}/`));
  if (files.length === 0) return [];
  const decks = files.filter((e) => e.path.endsWith('.pptx')).length;
  const docs = files.length - decks;
  const what = [
    docs ? `${plural(docs, 'Word document')} (.docx)` : '',
    decks ? `${plural(decks, 'PowerPoint deck')} (.pptx, speaker notes in the notes pane)` : '',
  ].filter(Boolean);
  return [
    '',
    `${section.dir}/  ${section.title}: ${what.join(' and ')}`,
    ...files.map((e) => `    ${e.path.slice(section.dir.length + 1)}`),
  ];
}

/** The README: which pack and version, when it was made, what is where, and what happens to edits. */
export function trainerPackReadme(
  pack: Pack,
  meta: ExportMeta,
  builtAt: number,
  entries: readonly PackEntry[],
): string {
  const version = describeVersion(meta);
  const title = `The trainer's pack: ${version}`;
  const by = meta.organisationName ? ` for ${meta.organisationName}` : '';
  const lines = [
    title,
    '='.repeat([...title].length),
    '',
    `Pack: ${version}`,
    meta.variant
      ? `This is the tailored variant "${meta.variant.name}", version ${meta.variant.version}: what learners in a cohort pinned to it see.`
      : 'This is the built-in pack: what learners in a cohort not pinned to a variant see.',
    `Made by Packway${by} on ${dateAndClockTime(builtAt)} (UK time), from content ${pack.hash.slice(0, 12)}.`,
    '',
    'What is where',
    '-------------',
    '',
    `${GUIDE_FILE}  The session plans of the ${plural(pack.areas.length, 'learning area')}, in running order, with their timings.`,
    ...pack.sections.flatMap((s) => sectionLines(s, entries)),
    '',
    `${README_FILE}  This file.`,
    '',
    'Edits made in Office stay in Office',
    '-----------------------------------',
    '',
    'These files are copies for you to adapt: add your organisation’s examples, reorder slides, print a case study.',
    'Changes you make in PowerPoint or Word stay in your copy. They do not change what learners see in Packway,',
    'and Packway cannot take an edited file back.',
    '',
    'To tailor the pack for everyone (every trainer and every learner of a cohort), ask your L&D administrator to',
    'make a variant of the pack in Packway (Variants). A published variant is a new version of the pack: cohorts are',
    'pinned to it, learners read it in Packway, and its own trainer’s pack is made from it.',
    '',
  ];
  // Windows line ends: the README is opened in Notepad on an organisation's laptop as often as anywhere
  return lines.join('\r\n');
}

export interface BuildReport {
  files: number;
  bytes: number;
}

/**
 * Writes the trainer's pack to `file`, calling `progress(done, total)` after each file is added (the README counts as
 * one). The Office files are stored as they are (they are zips already); the README is compressed.
 */
export async function writeTrainerPack(
  pack: Pack,
  meta: ExportMeta,
  builtAt: number,
  writers: OfficeWriters,
  file: string,
  progress: (done: number, total: number) => void,
): Promise<BuildReport> {
  const entries = trainerPackEntries(pack, meta, writers);
  const total = entries.length + 1;
  const mtime = new Date(builtAt);
  const zip = new yazl.ZipFile();
  const out = fs.createWriteStream(file);
  const written = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject);
  });
  zip.outputStream.pipe(out);
  let done = 0;
  progress(done, total);
  try {
    for (const entry of entries) {
      zip.addBuffer(await entry.make(), entry.path, { mtime, compress: false });
      progress(++done, total);
    }
    zip.addBuffer(Buffer.from(trainerPackReadme(pack, meta, builtAt, entries), 'utf8'), README_FILE, {
      mtime,
    });
    progress(++done, total);
  } catch (err) {
    // stop writing; the caller removes the partial file
    zip.outputStream.unpipe(out);
    out.destroy();
    throw err;
  }
  zip.end();
  await written;
  return { files: total, bytes: fs.statSync(file).size };
}
