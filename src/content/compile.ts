import crypto from 'node:crypto';
import { types } from 'node:util';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { parseFrontMatter, type ParsedFile } from './frontmatter';
import { renderMarkdown } from './markdown';
import { hideOnlySchema, learningAreaSchema, moduleSchema, packYamlSchema, type PackYaml } from './schema';
import { renderSlide, splitSlides } from './slides';
import type {
  Area,
  CompileResult,
  ContentError,
  Form,
  Module,
  Outcome,
  Pack,
  PackSummary,
  Section,
} from './types';

/** Content files keyed by their path inside the content folder (`pack.yaml`, `06-case-studies/01-x.md`). */
export type FileMap = ReadonlyMap<string, string>;

type ModuleData = z.infer<typeof moduleSchema>;
type AreaData = z.infer<typeof learningAreaSchema>;

interface RawModule {
  file: string;
  /** The path used to order modules inside a section (a replacement keeps the place of what it replaces). */
  sortKey: string;
  sectionIndex: number;
  parsed: ParsedFile;
  source: string;
  data: ModuleData | AreaData;
  isArea: boolean;
}

class ErrorList {
  readonly items: ContentError[] = [];
  add(file: string, line: number, message: string): void {
    this.items.push({ file, line, message });
  }
  zod(file: string, parsed: ParsedFile, error: z.ZodError): void {
    for (const issue of error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const where = path.length ? `${path.join('.')}: ` : '';
      this.add(file, parsed.lineOf(path), `${where}${issue.message}`);
    }
  }
}

/** The longest line a content file may hold: Markdown's inline parser slows down sharply on very long lines. */
export const MAX_LINE_CHARS = 20_000;
/** The largest content file (a module or pack.yaml), in bytes of UTF-8. */
export const MAX_FILE_BYTES = 512 * 1024;
/** The most lines a content file may hold: the variant diff compares line by line, so lines cost time squared. */
export const MAX_FILE_LINES = 3_000;

const thousands = (n: number) => n.toLocaleString('en-GB');

/**
 * Size limits checked before any YAML or Markdown is parsed, so a hostile file is refused in microseconds instead
 * of keeping a compiler busy for seconds. Reports the file's size and its first over-long line.
 */
export function sizeProblems(file: string, text: string): ContentError[] {
  const problems: ContentError[] = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) {
    problems.push({
      file,
      line: 1,
      message:
        `file too large (${thousands(Math.ceil(bytes / 1024))} KiB; the limit is ${thousands(MAX_FILE_BYTES / 1024)} KiB ` +
        'per file): split it into smaller modules',
    });
  }
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    const length = stop - start - (text.charCodeAt(stop - 1) === 13 ? 1 : 0);
    if (length > MAX_LINE_CHARS) {
      problems.push({
        file,
        line,
        message:
          `line too long (${thousands(length)} characters; the limit is ${thousands(MAX_LINE_CHARS)} characters ` +
          'per line): break it into shorter lines or paragraphs',
      });
      break;
    }
    if (end < 0) break;
    start = end + 1;
    if (line >= MAX_FILE_LINES) {
      const message = `too many lines (the limit is ${thousands(MAX_FILE_LINES)} lines per file): split it into smaller modules`;
      problems.push({ file, line: line + 1, message });
      break;
    }
  }
  return problems;
}

/** Compiles a content folder (as a file map) into an immutable Pack, or every problem found. */
export function compilePack(files: FileMap): CompileResult {
  return compileLayers(files, new Map());
}

/**
 * Compiles a variant: the base files overlaid with the variant's. A module whose id matches a base module
 * replaces it; a new id adds a module to the section its folder names; `hidden: true` hides a base module.
 */
export function compileVariant(base: FileMap, overlay: FileMap): CompileResult {
  return compileLayers(base, overlay);
}

function compileLayers(base: FileMap, overlay: FileMap): CompileResult {
  const errors = new ErrorList();
  const packFile = overlay.has('pack.yaml') ? 'pack.yaml' : 'pack.yaml';
  const packText = overlay.get('pack.yaml') ?? base.get('pack.yaml');
  if (packText === undefined) {
    errors.add(packFile, 1, 'missing pack.yaml: it names the pack and the order of its sections');
    return { ok: false, errors: errors.items };
  }
  sizeProblems('pack.yaml', packText).forEach((e) => errors.add(e.file, e.line, e.message));
  if (errors.items.length > 0) return { ok: false, errors: errors.items };
  const packYaml = parsePackYaml(packText, errors);
  if (!packYaml) return { ok: false, errors: errors.items };

  const baseModules = readModules(base, packYaml.value, errors, false);
  const overlayModules = readModules(overlay, packYaml.value, errors, true);
  const { modules, hidden, hiddenSections } = mergeLayers(baseModules, overlayModules, errors);
  if (errors.items.length > 0) return { ok: false, errors: errors.items };

  const pack = buildPack(packYaml.value, packYaml.lineOfSection, modules, hidden, hiddenSections, mergedFiles(base, overlay), errors);
  if (errors.items.length > 0 || !pack) return { ok: false, errors: errors.items };
  return { ok: true, pack };
}

function parsePackYaml(
  text: string,
  errors: ErrorList,
): { value: PackYaml; lineOfSection: (i: number) => number } | undefined {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    errors.add('pack.yaml', e.linePos?.[0].line ?? 1, `YAML error: ${e.message.split('\n')[0]}`);
    return undefined;
  }
  const lineOf = (path: (string | number)[]): number => {
    for (let probe = path; probe.length > 0; probe = probe.slice(0, -1)) {
      const node = doc.getIn(probe, true) as { range?: [number, number] } | undefined;
      if (node?.range) return text.slice(0, node.range[0]).split('\n').length;
    }
    return 1;
  };
  const result = packYamlSchema.safeParse(doc.toJS({ maxAliasCount: 50 }));
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      errors.add('pack.yaml', lineOf(path), `${path.join('.')}: ${issue.message}`);
    }
    return undefined;
  }
  const seen = new Set<string>();
  result.data.sections.forEach((s, i) => {
    if (seen.has(s.dir) || seen.has(s.id)) errors.add('pack.yaml', lineOf(['sections', i]), `duplicate section "${s.id}"`);
    seen.add(s.dir).add(s.id);
  });
  return { value: result.data, lineOfSection: (i) => lineOf(['sections', i]) };
}

interface LayerModule extends Omit<RawModule, 'data' | 'isArea'> {
  data?: ModuleData | AreaData;
  isArea: boolean;
  hideOnly: boolean;
}

function readModules(files: FileMap, pack: PackYaml, errors: ErrorList, isOverlay: boolean): LayerModule[] {
  const out: LayerModule[] = [];
  for (const [file, text] of files) {
    if (file === 'pack.yaml') continue;
    const [dir, name, ...rest] = file.split('/');
    const sectionIndex = pack.sections.findIndex((s) => s.dir === dir);
    if (rest.length > 0 || !name || sectionIndex < 0) {
      errors.add(file, 1, `not part of the pack layout: files belong in one of the section folders of pack.yaml`);
      continue;
    }
    if (!name.endsWith('.md')) {
      errors.add(file, 1, 'only Markdown (.md) files belong in a section folder');
      continue;
    }
    const tooBig = sizeProblems(file, text);
    if (tooBig.length > 0) {
      tooBig.forEach((e) => errors.add(e.file, e.line, e.message));
      continue;
    }
    const { parsed, errors: fmErrors } = parseFrontMatter(file, text);
    fmErrors.forEach((e) => errors.add(e.file, e.line, e.message));
    if (!parsed) continue;
    const base = { file, sortKey: file, sectionIndex, parsed, source: text };
    if (isOverlay && hideOnlySchema.safeParse(parsed.data).success && Object.keys(parsed.data).length === 2) {
      out.push({ ...base, hideOnly: true, isArea: false, data: undefined });
      continue;
    }
    const isArea = pack.sections[sectionIndex].kind === 'learning-area';
    const result = (isArea ? learningAreaSchema : moduleSchema).safeParse(parsed.data);
    if (!result.success) {
      errors.zod(file, parsed, result.error);
      continue;
    }
    out.push({ ...base, hideOnly: false, isArea, data: result.data });
  }
  return out;
}

function moduleId(m: LayerModule): string {
  return m.data?.id ?? String(m.parsed.data.id);
}

function mergeLayers(
  base: LayerModule[],
  overlay: LayerModule[],
  errors: ErrorList,
): { modules: RawModule[]; hidden: string[]; hiddenSections: Set<number> } {
  const byId = new Map<string, RawModule>();
  const addUnique = (m: LayerModule, layer: 'base' | 'overlay') => {
    const id = moduleId(m);
    const prior = byId.get(id);
    if (prior && (layer === 'base' || prior.file.startsWith('overlay:'))) {
      errors.add(m.file, m.parsed.lineOf(['id']), `duplicate id "${id}" (also in ${prior.file.replace(/^overlay:/, '')})`);
      return;
    }
    byId.set(id, { ...(m as RawModule), sortKey: prior ? prior.sortKey : m.file });
  };
  base.forEach((m) => addUnique(m, 'base'));
  const fromOverlay = new Set<string>();
  const hidden: string[] = [];
  for (const m of overlay) {
    const id = moduleId(m);
    if (fromOverlay.has(id)) {
      errors.add(m.file, m.parsed.lineOf(['id']), `duplicate id "${id}" in the variant`);
      continue;
    }
    fromOverlay.add(id);
    const prior = byId.get(id);
    if (m.hideOnly) {
      if (!prior) errors.add(m.file, m.parsed.lineOf(['id']), `cannot hide "${id}": no such module in the base pack`);
      else hidden.push(id);
      continue;
    }
    if (prior && prior.sectionIndex !== m.sectionIndex) {
      errors.add(m.file, m.parsed.lineOf(['id']), `"${id}" replaces a module of another section (${prior.file})`);
      continue;
    }
    byId.set(id, { ...(m as RawModule), sortKey: prior ? prior.sortKey : m.file });
    if (m.data?.hidden) hidden.push(id);
  }
  for (const m of byId.values()) if (m.data.hidden && !hidden.includes(m.data.id)) hidden.push(m.data.id);
  const modules = [...byId.values()].filter((m) => !hidden.includes(m.data.id));
  const hiddenSections = new Set([...byId.values()].filter((m) => hidden.includes(m.data.id)).map((m) => m.sectionIndex));
  for (const m of base) if (hidden.includes(moduleId(m))) hiddenSections.add(m.sectionIndex);
  return { modules, hidden, hiddenSections };
}

function buildPack(
  packYaml: PackYaml,
  lineOfSection: (i: number) => number,
  raw: RawModule[],
  hidden: string[],
  hiddenSections: Set<number>,
  files: Map<string, string>,
  errors: ErrorList,
): Pack | undefined {
  const areas = collectAreas(raw, errors);
  const outcomes = new Map<string, Outcome>();
  for (const area of areas) for (const o of area.outcomes) outcomes.set(o.id, o);
  const areaIds = new Set(areas.map((a) => a.id));

  const modules = new Map<string, Module>();
  const sections: Section[] = packYaml.sections.map((s, index) => {
    const inSection = raw.filter((m) => m.sectionIndex === index).sort((a, b) => a.sortKey.localeCompare(b.sortKey));
    // A section a variant has emptied by hiding its modules is allowed (and shown as empty); any other is a mistake.
    if (inSection.length === 0 && !hiddenSections.has(index)) {
      errors.add('pack.yaml', lineOfSection(index), `empty section "${s.id}": no modules in ${s.dir}/`);
    }
    const built = inSection.map((m) => buildModule(m, s.kind, s.id, areaIds, outcomes, errors));
    built.forEach((m) => modules.set(m.id, m));
    return { id: s.id, title: s.title, kind: s.kind, dir: s.dir, modules: built };
  });
  if (errors.items.length > 0) return undefined;
  return deepFreeze({
    id: packYaml.id,
    title: packYaml.title,
    version: packYaml.version,
    hash: hashFiles(files),
    sections,
    areas,
    modules,
    outcomes,
    hidden,
    files,
  });
}

function collectAreas(raw: RawModule[], errors: ErrorList): Area[] {
  const areas: Area[] = [];
  const seenOutcomes = new Map<string, string>();
  const sorted = raw.filter((m) => m.isArea).sort((a, b) => a.sortKey.localeCompare(b.sortKey));
  for (const m of sorted) {
    const data = m.data as AreaData;
    const clash = areas.find((a) => a.id === data.area.id || a.short === data.area.short);
    if (clash) {
      errors.add(m.file, m.parsed.lineOf(['area']), `duplicate area "${data.area.id}" / "${data.area.short}" (also in ${clash.moduleId})`);
      continue;
    }
    const outcomes: Outcome[] = [];
    data.outcomes.forEach((o, i) => {
      const line = m.parsed.lineOf(['outcomes', i, 'id']);
      if (!o.id.startsWith(data.area.short) || !/^\d+$/.test(o.id.slice(data.area.short.length))) {
        errors.add(m.file, line, `outcome id "${o.id}" must be the area's short code "${data.area.short}" and a number`);
      } else if (seenOutcomes.has(o.id)) {
        errors.add(m.file, line, `duplicate outcome id "${o.id}" (also in ${seenOutcomes.get(o.id)})`);
      } else {
        seenOutcomes.set(o.id, m.file);
        outcomes.push({
          id: o.id,
          text: o.text,
          areaId: data.area.id,
          standard: o.standard ?? null,
          review: o.review ?? data.review,
        });
      }
    });
    areas.push({
      id: data.area.id,
      short: data.area.short,
      title: data.title,
      moduleId: data.id,
      review: data.review,
      outcomes,
    });
  }
  return areas;
}

function buildModule(
  m: RawModule,
  kind: Section['kind'],
  sectionId: string,
  areaIds: Set<string>,
  outcomes: Map<string, Outcome>,
  errors: ErrorList,
): Module {
  const { data, parsed, file } = m;
  data.areas.forEach((a, i) => {
    if (!areaIds.has(a)) errors.add(file, parsed.lineOf(['areas', i]), `unknown area "${a}"`);
  });
  const outcomeIds = m.isArea ? (data as AreaData).outcomes.map((o) => o.id) : (data as ModuleData).outcomes;
  if (!m.isArea) {
    outcomeIds.forEach((o, i) => {
      if (!outcomes.has(o)) errors.add(file, parsed.lineOf(['outcomes', i]), `unknown outcome "${o}"`);
    });
  }
  checkPrompts(m, kind, areaIds, errors);
  if (data.form) checkForm(m, data.form, areaIds, errors);

  const isDeck = kind === 'slides';
  const slideSources = isDeck ? splitSlides(parsed.body) : [];
  if (isDeck && slideSources.length === 0) errors.add(file, parsed.bodyLine, 'a slide deck needs at least one slide');
  const slides = slideSources.map(renderSlide);
  const rendered = renderMarkdown(isDeck ? '' : parsed.body);
  const deckWords = slideSources.reduce((n, s) => n + renderMarkdown(`${s.markdown}\n\n${s.notes}`).words, 0);
  if (!isDeck && parsed.body.trim() === '' && !data.form) {
    errors.add(file, parsed.bodyLine, 'empty module: write some Markdown after the front matter');
  }
  return {
    id: data.id,
    title: data.title,
    summary: data.summary,
    minutes: data.minutes,
    kind,
    sectionId,
    areas: data.areas,
    outcomes: outcomeIds,
    html: rendered.html,
    headings: rendered.headings,
    prompts: data.prompts,
    slides,
    sources: data.sources,
    form: data.form as Form | undefined,
    words: isDeck ? deckWords : rendered.words,
    file,
    source: m.source,
  };
}

function checkPrompts(m: RawModule, kind: Section['kind'], areaIds: Set<string>, errors: ErrorList): void {
  const seen = new Set<string>();
  m.data.prompts.forEach((p, i) => {
    if (seen.has(p.id)) errors.add(m.file, m.parsed.lineOf(['prompts', i, 'id']), `duplicate prompt id "${p.id}"`);
    seen.add(p.id);
    if (!areaIds.has(p.area)) {
      errors.add(m.file, m.parsed.lineOf(['prompts', i, 'area']), `prompt "${p.id}" is in an unknown area "${p.area}"`);
    }
  });
  if (kind !== 'case-study') return;
  const covered = new Set(m.data.prompts.map((p) => p.area));
  const missing = [...areaIds].filter((a) => !covered.has(a));
  if (missing.length > 0) {
    errors.add(m.file, m.parsed.lineOf(['prompts']), `a case study needs a prompt in every learning area; none for: ${missing.join(', ')}`);
  }
}

function checkForm(m: RawModule, form: Form, areaIds: Set<string>, errors: ErrorList): void {
  const groups = new Set<string>();
  form.groups.forEach((g, gi) => {
    const line = m.parsed.lineOf(['form', 'groups', gi]);
    if (groups.has(g.id)) errors.add(m.file, line, `duplicate form group "${g.id}"`);
    groups.add(g.id);
    if (g.area && !areaIds.has(g.area)) errors.add(m.file, m.parsed.lineOf(['form', 'groups', gi, 'area']), `unknown area "${g.area}"`);
    const fields = new Set<string>();
    g.fields.forEach((f, fi) => {
      if (fields.has(f.id))
        errors.add(
          m.file,
          m.parsed.lineOf(['form', 'groups', gi, 'fields', fi]),
          `duplicate field "${f.id}" in group "${g.id}"`,
        );
      fields.add(f.id);
    });
  });
}

function mergedFiles(base: FileMap, overlay: FileMap): Map<string, string> {
  const merged = new Map(base);
  for (const [path, text] of overlay) merged.set(path, text);
  return merged;
}

function hashFiles(files: ReadonlyMap<string, string>): string {
  const hash = crypto.createHash('sha256');
  for (const path of [...files.keys()].sort()) hash.update(path).update('\0').update(files.get(path) ?? '').update('\0');
  return hash.digest('hex');
}

/** Freezes a compiled pack all the way down (also used on packs compiled in a worker thread). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // isMap, not instanceof: a pack from a worker thread (or seen from a test's realm) has another realm's Map
    if (types.isMap(value)) for (const v of value.values()) deepFreeze(v);
    else for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function summarise(pack: Pack): PackSummary {
  const modules = [...pack.modules.values()];
  return {
    sections: pack.sections.length,
    modules: modules.length,
    areas: pack.areas.length,
    outcomes: pack.outcomes.size,
    prompts: modules.reduce((n, m) => n + m.prompts.length, 0),
    slides: modules.reduce((n, m) => n + m.slides.length, 0),
    words: modules.reduce((n, m) => n + m.words, 0),
    outcomesWithoutStandard: [...pack.outcomes.values()].filter((o) => !o.standard).map((o) => o.id),
    slidesWithoutNotes: modules.flatMap((m) => m.slides.flatMap((s, i) => (s.notesHtml ? [] : [`${m.file}: slide ${i + 1}`]))),
    decksOffTime: modules
      .filter((m) => m.slides.length > 0 && m.slides.reduce((n, s) => n + (s.minutes ?? 0), 0) !== m.minutes)
      .map((m) => `${m.file}: slides add up to ${m.slides.reduce((n, s) => n + (s.minutes ?? 0), 0)} of ${m.minutes} minutes`),
  };
}
