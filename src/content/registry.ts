import type { Pack } from './types';

/**
 * Where compiled packs live: the built-in pack, and variant versions compiled once and cached by content hash.
 * A loader turns a variant version id into a Pack (set by the variants domain).
 */
export class PackRegistry {
  private readonly byHash = new Map<string, Pack>();
  private loader: ((versionId: number) => Pack | undefined) | undefined;

  constructor(readonly base: Pack) {
    this.byHash.set(base.hash, base);
  }

  setVersionLoader(loader: (versionId: number) => Pack | undefined): void {
    this.loader = loader;
  }

  cached(hash: string): Pack | undefined {
    return this.byHash.get(hash);
  }

  remember(pack: Pack): Pack {
    const existing = this.byHash.get(pack.hash);
    if (existing) return existing;
    this.byHash.set(pack.hash, pack);
    return pack;
  }

  /** The pack of a variant version, or the base pack when none is pinned. */
  forVersion(versionId: number | null | undefined): Pack {
    if (!versionId || !this.loader) return this.base;
    return this.loader(versionId) ?? this.base;
  }
}
