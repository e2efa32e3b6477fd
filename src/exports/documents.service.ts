import type { Module, Pack } from '../content/types';
import { NotFound } from '../shared/errors';
import type { VariantVersionSummary } from '../variants/variants.repo';
import type { facilitatorGuideDocx, modulesToDocx } from './docx';
import { describeVersion, type ExportMeta } from './meta';
import type { deckToPptx } from './pptx';

// Which Office file a person asked for (a deck as PowerPoint; a module, a section, a learning area as Word) from the
// pack they see, and where it came from (the built-in pack or a variant's version): what a cohort pinned to a variant
// reads is what its trainer downloads. The writers (src/exports/pptx.ts, docx.ts) decide how the files look.

/** The Office writers, given by the composition root. */
export interface OfficeWriter {
  deckToPptx: typeof deckToPptx;
  modulesToDocx: typeof modulesToDocx;
  facilitatorGuideDocx: typeof facilitatorGuideDocx;
}

export interface DocumentsDeps {
  /** The built-in pack: a pack with its hash has no variant. */
  readonly base: Pack;
  /** Every stored variant version, to name the variant a pack was compiled from. */
  readonly versions: () => Promise<VariantVersionSummary[]>;
  readonly writer: OfficeWriter;
  /** `ORGANISATION_NAME` ('' when unset). */
  readonly organisationName: string;
  /** `PUBLIC_URL`: where the pack's own links lead from a file. */
  readonly siteUrl: string;
  /** How many bytes of written documents are kept (tests set a small one). */
  readonly cacheBytes?: number;
}

export interface OfficeFile {
  /** A safe ASCII file name (`slides-overview.pptx`). */
  readonly filename: string;
  readonly bytes: Buffer;
}

/**
 * How much the written documents may hold in memory: the built-in pack's every module, section and area come to
 * little more than a megabyte, so this keeps many versions' worth while a burst of downloads cannot grow it unbounded.
 */
const CACHE_BYTES = 32 * 1024 * 1024;

export function createDocumentsService({
  base,
  versions,
  writer,
  organisationName,
  siteUrl,
  cacheBytes = CACHE_BYTES,
}: DocumentsDeps) {
  const cache = new DocumentCache(cacheBytes);
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
    return await cache.get(`${pack.hash}\n${what}\n${describeVersion(meta)}`, () => write(meta));
  }

  const file = (name: string, bytes: Buffer, extension = 'docx'): OfficeFile => ({
    filename: `${name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 100) || 'document'}.${extension}`,
    bytes,
  });

  /** A deck as PowerPoint; a module that is not a deck is not found. */
  async function deckPresentation(pack: Pack, moduleId: string): Promise<OfficeFile> {
    const deck = pack.modules.get(moduleId);
    if (!deck || deck.slides.length === 0) throw new NotFound('There is no slide deck with that name');
    const bytes = await cached(pack, `deck:${deck.id}`, (meta) => writer.deckToPptx(deck, meta));
    return file(deck.id, bytes, 'pptx');
  }

  /** One module as Word. */
  async function moduleDocument(pack: Pack, moduleId: string): Promise<OfficeFile> {
    const mod = pack.modules.get(moduleId);
    if (!mod) throw new NotFound('There is no module with that name in your pack');
    return file(
      mod.id,
      await cached(pack, `module:${mod.id}`, (meta) => writer.modulesToDocx(mod.title, [mod], pack, meta)),
    );
  }

  /** A whole section of the pack, its modules in order. */
  async function sectionDocument(pack: Pack, sectionId: string): Promise<OfficeFile> {
    const section = pack.sections.find((s) => s.id === sectionId);
    if (!section) throw new NotFound('There is no section with that name in your pack');
    const bytes = await cached(pack, `section:${section.id}`, (meta) =>
      writer.modulesToDocx(section.title, section.modules, pack, meta),
    );
    return file(section.id, bytes);
  }

  /** A learning area: its own module, then the activities and case studies written for it alone. */
  async function areaDocument(pack: Pack, areaId: string): Promise<OfficeFile> {
    const area = pack.areas.find((a) => a.id === areaId);
    if (!area) throw new NotFound('There is no learning area with that name in your pack');
    const bytes = await cached(pack, `area:${area.id}`, (meta) =>
      writer.modulesToDocx(area.title, areaModules(pack, area.id, area.moduleId), pack, meta),
    );
    return file(`${area.id}-learning-area`, bytes);
  }

  /** The seven areas' session plans in running order, one document. */
  async function facilitatorGuide(pack: Pack): Promise<OfficeFile> {
    return file(
      'facilitator-guide',
      await cached(pack, 'facilitator-guide', (meta) => writer.facilitatorGuideDocx(pack, meta)),
    );
  }

  return { metaFor, deckPresentation, moduleDocument, sectionDocument, areaDocument, facilitatorGuide };
}
export type DocumentsService = ReturnType<typeof createDocumentsService>;

/**
 * Written documents by what was asked of which pack (its hash) and version line: each written once however many ask
 * at the same time, and those asked for least recently dropped once they hold more than `maxBytes`. A failed write
 * is not kept, so the next request tries again.
 */
export class DocumentCache {
  private readonly entries = new Map<string, { made: Promise<Buffer>; bytes: number }>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  async get(key: string, write: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.entries.get(key);
    if (hit) {
      // most recently used last: Map keeps insertion order
      this.entries.delete(key);
      this.entries.set(key, hit);
      return await hit.made;
    }
    const entry = { made: write(), bytes: 0 };
    this.entries.set(key, entry);
    try {
      const bytes = await entry.made;
      if (this.entries.get(key) === entry) {
        entry.bytes = bytes.length;
        this.total += bytes.length;
        this.trim();
      }
      return bytes;
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw err;
    }
  }

  /** How many documents are kept, and their bytes. */
  get size(): { documents: number; bytes: number } {
    return { documents: this.entries.size, bytes: this.total };
  }

  private trim(): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.maxBytes) return;
      // one still being written has no size yet: it stays
      if (entry.bytes === 0) continue;
      this.entries.delete(key);
      this.total -= entry.bytes;
    }
  }
}

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
