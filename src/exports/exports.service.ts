import type { Module, Pack } from '../content/types';
import { NotFound } from '../shared/errors';
import type { VariantsRepo } from '../variants/variants.repo';
import type { ExportMeta } from './meta';

/** A file made from the pack, ready to send. */
export interface ExportFile {
  /** A safe ASCII file name (`slides-overview.pptx`). */
  readonly fileName: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export const PPTX_TYPE = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

export interface ExportsDeps {
  /** The built-in pack: a file made from it names no variant. */
  base: Pack;
  /** Which variant and version a pack is (its hash is the version's). */
  variants: Pick<VariantsRepo, 'versions'>;
  /** `ORGANISATION_NAME`, or '' when it is not set. */
  organisationName: string;
  /** The PowerPoint writer (src/exports/pptx.ts). */
  writeDeck: (deck: Module, meta: ExportMeta) => Promise<Buffer>;
}

/**
 * Files made from the pack a person sees: what a cohort pinned to a variant reads is what its trainer downloads.
 * A pack is immutable, so a file made from it is kept with it (a WeakMap on the pack: a new variant version is a
 * new pack, and a pack nobody uses any more is collected with its files); a pack has a few dozen decks at most.
 */
export function createExportsService({ base, variants, organisationName, writeDeck }: ExportsDeps) {
  const decks = new WeakMap<Pack, Map<string, Promise<Buffer>>>();

  /** Where a pack came from, as its files' properties say it: the pack, and the variant version when it is one. */
  async function metaOf(pack: Pack): Promise<ExportMeta> {
    const meta = { packTitle: pack.title, packVersion: pack.version, organisationName, variant: null };
    if (pack === base || pack.hash === base.hash) return meta;
    const same = (await variants.versions()).filter((v) => v.hash === pack.hash);
    const version = same.find((v) => v.version !== null) ?? same[0];
    if (!version) return meta;
    // a draft (only an admin previewing it sees one) has no number yet: it says so in the variant's name
    const variant =
      version.version !== null
        ? { name: version.name, version: version.version }
        : { name: `${version.name} (draft)`, version: 0 };
    return { ...meta, variant };
  }

  /** A deck of the pack as PowerPoint; a module that is not a deck is not found. */
  async function deckPptx(pack: Pack, moduleId: string): Promise<ExportFile> {
    const deck = pack.modules.get(moduleId);
    if (!deck || deck.slides.length === 0) throw new NotFound('There is no slide deck with that name');
    const made = decks.get(pack) ?? new Map<string, Promise<Buffer>>();
    decks.set(pack, made);
    let body = made.get(deck.id);
    if (!body) {
      body = metaOf(pack).then((meta) => writeDeck(deck, meta));
      made.set(deck.id, body);
      // a failure is not kept: the next download tries again
      void body.catch(() => made.delete(deck.id));
    }
    return { fileName: `${deck.id}.pptx`, contentType: PPTX_TYPE, body: await body };
  }

  return { metaOf, deckPptx };
}
export type ExportsService = ReturnType<typeof createExportsService>;
