// What every exported file says about where it came from: written into a file's properties and the trainer's pack
// README, so a copy passed between colleagues still says which pack, variant and version it is.

export interface ExportMeta {
  /** The pack's title as compiled (a variant's own title when it sets one). */
  readonly packTitle: string;
  /** The pack's version as compiled. */
  readonly packVersion: string;
  /** The variant's name and version when the pack is a tailored variant; `null` for the built-in pack. */
  readonly variant: { readonly name: string; readonly version: number } | null;
  /** `ORGANISATION_NAME`, shown on a deck's first slide. */
  readonly organisationName: string;
  /**
   * Where the pack's own links (`/modules/…`) lead in a file, e.g. `PUBLIC_URL`; without it they are kept as text,
   * since a relative address means nothing outside Packway.
   */
  readonly siteUrl?: string;
}

/** The line a file's properties and README use, e.g. "Customer focused leadership 3.2 (variant Wales pilot, version 4)". */
export function describeVersion(meta: ExportMeta): string {
  const variant = meta.variant ? ` (variant ${meta.variant.name}, version ${meta.variant.version})` : '';
  return `${meta.packTitle} ${meta.packVersion}${variant}`;
}
