import type { Module, Pack } from '../content/types';
import { NotFound } from '../shared/errors';
import type { VariantVersionSummary } from '../variants/variants.repo';
import type { facilitatorGuideDocx, modulesToDocx } from './docx';
import { describeVersion, type ExportMeta } from './meta';

// Which Word document a trainer asked for (a module, a section, a learning area) from the pack they see, and where
// it came from (the built-in pack or a variant's version). The writer (src/exports/docx.ts) decides how it looks.

/** The Word writer, given by the composition root. */
export interface WordWriter {
  modulesToDocx: typeof modulesToDocx;
  facilitatorGuideDocx: typeof facilitatorGuideDocx;
}

export interface DocumentsDeps {
  /** The built-in pack: a pack with its hash has no variant. */
  readonly base: Pack;
  /** Every stored variant version, to name the variant a pack was compiled from. */
  readonly versions: () => Promise<VariantVersionSummary[]>;
  readonly writer: WordWriter;
  /** `ORGANISATION_NAME` ('' when unset). */
  readonly organisationName: string;
  /** `PUBLIC_URL`: where the pack's own links lead from a file. */
  readonly siteUrl: string;
}

export interface WordFile {
  readonly filename: string;
  readonly bytes: Buffer;
}

/** What one pack may hold in the cache at most: every module, section and area of a large pack, and room over. */
const MAX_PER_PACK = 400;

export function createDocumentsService({ base, versions, writer, organisationName, siteUrl }: DocumentsDeps) {
  /** Documents already written, per compiled pack (dropped with it), by what was asked and the version line. */
  const cache = new WeakMap<Pack, Map<string, Promise<Buffer>>>();
  /** A published version's variant by pack hash: published versions never change, so never looked up twice. */
  const published = new Map<string, ExportMeta['variant']>();

  /** The pack's name, version and variant as every exported file states them. */
  async function metaFor(pack: Pack): Promise<ExportMeta> {
    const common = { packTitle: pack.title, packVersion: pack.version, organisationName, siteUrl };
    if (pack.hash === base.hash) return { ...common, variant: null };
    return { ...common, variant: published.get(pack.hash) ?? (await variantOf(pack.hash)) };
  }

  /** The variant a pack was compiled from: its newest published version, else its draft as the next number. */
  async function variantOf(hash: string): Promise<ExportMeta['variant']> {
    const all = await versions();
    const mine = all.filter((v) => v.hash === hash);
    const newest = mine
      .filter((v) => v.status === 'published' && v.version !== null)
      .sort((a, b) => (b.version ?? 0) - (a.version ?? 0))[0];
    if (newest) {
      const variant = { name: newest.name, version: newest.version ?? 0 };
      published.set(hash, variant);
      return variant;
    }
    const draft = mine[0];
    if (!draft) return null;
    const next = 1 + Math.max(0, ...all.filter((v) => v.name === draft.name).map((v) => v.version ?? 0));
    return { name: `${draft.name} (draft)`, version: next };
  }

  /** One document from the cache, written once however many ask for it at the same time. */
  async function cached(
    pack: Pack,
    what: string,
    write: (meta: ExportMeta) => Promise<Buffer>,
  ): Promise<Buffer> {
    const meta = await metaFor(pack);
    const key = `${what}\n${describeVersion(meta)}`;
    let docs = cache.get(pack);
    if (!docs) cache.set(pack, (docs = new Map()));
    const hit = docs.get(key);
    if (hit) return await hit;
    if (docs.size >= MAX_PER_PACK) docs.delete(docs.keys().next().value as string);
    const made = write(meta);
    docs.set(key, made);
    made.catch(() => docs.delete(key));
    return await made;
  }

  const file = (name: string, bytes: Buffer): WordFile => ({
    filename: `${name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 100) || 'document'}.docx`,
    bytes,
  });

  /** One module as Word. */
  async function moduleDocument(pack: Pack, moduleId: string): Promise<WordFile> {
    const mod = pack.modules.get(moduleId);
    if (!mod) throw new NotFound('There is no module with that name in your pack');
    return file(
      mod.id,
      await cached(pack, `module:${mod.id}`, (meta) => writer.modulesToDocx(mod.title, [mod], pack, meta)),
    );
  }

  /** A whole section of the pack, its modules in order. */
  async function sectionDocument(pack: Pack, sectionId: string): Promise<WordFile> {
    const section = pack.sections.find((s) => s.id === sectionId);
    if (!section) throw new NotFound('There is no section with that name in your pack');
    const bytes = await cached(pack, `section:${section.id}`, (meta) =>
      writer.modulesToDocx(section.title, section.modules, pack, meta),
    );
    return file(section.id, bytes);
  }

  /** A learning area: its own module, then the activities and case studies written for it alone. */
  async function areaDocument(pack: Pack, areaId: string): Promise<WordFile> {
    const area = pack.areas.find((a) => a.id === areaId);
    if (!area) throw new NotFound('There is no learning area with that name in your pack');
    const bytes = await cached(pack, `area:${area.id}`, (meta) =>
      writer.modulesToDocx(area.title, areaModules(pack, area.id, area.moduleId), pack, meta),
    );
    return file(`${area.id}-learning-area`, bytes);
  }

  /** The seven areas' session plans in running order, one document. */
  async function facilitatorGuide(pack: Pack): Promise<WordFile> {
    return file(
      'facilitator-guide',
      await cached(pack, 'facilitator-guide', (meta) => writer.facilitatorGuideDocx(pack, meta)),
    );
  }

  return { metaFor, moduleDocument, sectionDocument, areaDocument, facilitatorGuide };
}
export type DocumentsService = ReturnType<typeof createDocumentsService>;

/**
 * What a trainer running one area's session hands out: the area's own module, then (in pack order) the activities and
 * case studies that serve that area alone. Material shared by every area (the case studies written for all seven,
 * the self-assessment, the raid forms) has its own section download, and decks are PowerPoint files, so neither is
 * repeated in each area's document.
 */
export function areaModules(pack: Pack, areaId: string, areaModuleId: string): Module[] {
  const own = pack.modules.get(areaModuleId);
  const only = pack.sections
    .flatMap((s) => s.modules)
    .filter(
      (m) =>
        m.id !== areaModuleId &&
        (m.kind === 'activity' || m.kind === 'case-study') &&
        m.areas.length === 1 &&
        m.areas[0] === areaId,
    );
  return [...(own ? [own] : []), ...only];
}
