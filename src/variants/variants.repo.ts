import type { StoredVersions } from '../content/registry';

/** A named variant of the pack (its versions hold the files). */
export interface Variant {
  id: number;
  name: string;
  createdAt: Date;
}

export type VersionStatus = 'draft' | 'published';

/** One version of a variant, as the list of versions shows it (without its files). */
export interface VariantVersionSummary {
  id: number;
  variantId: number;
  /** The variant's name. */
  name: string;
  status: VersionStatus;
  /** The published number (v1, v2 …); null while a draft. */
  version: number | null;
  hash: string;
  createdAt: Date;
  publishedAt: Date | null;
}

/** One version of a variant with its overlay files (path → Markdown or YAML text). */
export interface VariantVersion extends Omit<VariantVersionSummary, 'name'> {
  files: ReadonlyMap<string, string>;
}

export interface PublishedVersion {
  id: number;
  version: number;
  /** The variant's name. */
  name: string;
}

export interface PinnedCohort {
  id: number;
  name: string;
}

export interface NewDraft {
  variantId: number;
  files: ReadonlyMap<string, string>;
  hash: string;
  /** What the draft changes from the built-in pack, module by module. */
  changes: readonly { id: string; title: string; change: string }[];
  uploadedBy: number;
}

/**
 * Variants and their versions. Also the pack registry's source of stored versions (`versionHash`, `versionFiles`,
 * `versionHashes`).
 */
export interface VariantsRepo extends StoredVersions {
  byName(name: string): Promise<Variant | undefined>;
  byId(id: number): Promise<Variant | undefined>;
  /** Creates a variant and returns its id (the existing one's, when another request has just created that name). */
  create(name: string, createdBy: number): Promise<number>;
  all(): Promise<Variant[]>;
  /** Every version, by variant name, drafts first then newest. */
  versions(): Promise<VariantVersionSummary[]>;
  version(id: number): Promise<VariantVersion | undefined>;
  draftOf(variantId: number): Promise<VariantVersion | undefined>;
  /** Replaces the variant's draft (if any) with a new one and returns the new version's id. */
  replaceDraft(draft: NewDraft): Promise<number>;
  /** Publishes the draft as the variant's next version number, and returns that number. */
  publish(versionId: number, variantId: number): Promise<number>;
  published(): Promise<PublishedVersion[]>;
  cohortsPinned(versionId: number): Promise<PinnedCohort[]>;
}
