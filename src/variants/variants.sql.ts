import type { Sql } from '../db/ports';
import type {
  PinnedCohort,
  PublishedVersion,
  Variant,
  VariantsRepo,
  VariantVersion,
  VariantVersionSummary,
  VersionStatus,
} from './variants.repo';

interface VariantRow {
  id: number;
  name: string;
  created_at: string;
}

interface VersionRow {
  id: number;
  variant_id: number;
  status: VersionStatus;
  version: number | null;
  files: string;
  hash: string;
  created_at: string;
  published_at: string | null;
}

type VersionListRow = Omit<VersionRow, 'files'> & { name: string };

function toVariant(row: VariantRow): Variant {
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at) };
}

function toSummary(row: VersionListRow): VariantVersionSummary {
  return {
    id: row.id,
    variantId: row.variant_id,
    name: row.name,
    status: row.status,
    version: row.version,
    hash: row.hash,
    createdAt: new Date(row.created_at),
    publishedAt: row.published_at === null ? null : new Date(row.published_at),
  };
}

function filesOf(json: string): ReadonlyMap<string, string> {
  return new Map(Object.entries(JSON.parse(json) as Record<string, string>));
}

function toVersion(row: VersionRow): VariantVersion {
  return {
    id: row.id,
    variantId: row.variant_id,
    status: row.status,
    version: row.version,
    hash: row.hash,
    files: filesOf(row.files),
    createdAt: new Date(row.created_at),
    publishedAt: row.published_at === null ? null : new Date(row.published_at),
  };
}

const VARIANT_BY_NAME = 'SELECT id, name, created_at FROM variants WHERE name_norm = lower(?)';
const VARIANT_BY_ID = 'SELECT id, name, created_at FROM variants WHERE id = ?';
/** Another instance may create the same name at the same moment: then its variant is the one (no unique violation). */
const INSERT_VARIANT = `INSERT INTO variants (name, name_norm, created_by, created_at) VALUES (?, lower(?), ?, ?)
  ON CONFLICT (name_norm) DO NOTHING RETURNING id`;
const ALL_VARIANTS = 'SELECT id, name, created_at FROM variants ORDER BY name_norm';
/** Drafts first (`status = 'draft' DESC` before, written as a CASE so both engines order it alike), then newest. */
const VERSIONS = `SELECT v.id, v.variant_id, v.status, v.version, v.hash, v.created_at, v.published_at, x.name
  FROM variant_versions v JOIN variants x ON x.id = v.variant_id
  ORDER BY x.name_norm, CASE WHEN v.status = 'draft' THEN 0 ELSE 1 END, v.version DESC`;
const HASHES = 'SELECT id, hash, status FROM variant_versions ORDER BY id';
const HASH = 'SELECT id, hash, status FROM variant_versions WHERE id = ?';
const VERSION = `SELECT id, variant_id, status, version, files, hash, created_at, published_at FROM variant_versions
  WHERE id = ?`;
const DRAFT_OF = `SELECT id, variant_id, status, version, files, hash, created_at, published_at FROM variant_versions
  WHERE variant_id = ? AND status = 'draft'`;
const DELETE_DRAFT = "DELETE FROM variant_versions WHERE variant_id = ? AND status = 'draft'";
const INSERT_VERSION = `INSERT INTO variant_versions (variant_id, status, files, hash, summary, uploaded_by, created_at)
  VALUES (?, 'draft', ?, ?, ?, ?, ?) RETURNING id`;
const NEXT_NUMBER = `SELECT COALESCE(MAX(version), 0) + 1 AS n FROM variant_versions
  WHERE variant_id = ? AND status = 'published'`;
const PUBLISH = `UPDATE variant_versions SET status = 'published', version = ?, published_at = ?
  WHERE id = ? AND status = 'draft'`;
const PUBLISHED = `SELECT v.id, v.version, x.name FROM variant_versions v JOIN variants x ON x.id = v.variant_id
  WHERE v.status = 'published' ORDER BY x.name_norm, v.version DESC`;
const COHORTS_PINNED = 'SELECT id, name FROM cohorts WHERE variant_version_id = ?';

export function createVariantsRepo(db: Sql): VariantsRepo {
  return {
    async byName(name) {
      const row = await db.get<VariantRow>(VARIANT_BY_NAME, [name]);
      return row && toVariant(row);
    },
    async byId(id) {
      const row = await db.get<VariantRow>(VARIANT_BY_ID, [id]);
      return row && toVariant(row);
    },
    async create(name, createdBy) {
      const row =
        (await db.get<{ id: number }>(INSERT_VARIANT, [name, name, createdBy, new Date().toISOString()])) ??
        (await db.get<{ id: number }>(VARIANT_BY_NAME, [name]));
      return row!.id;
    },
    all: async () => (await db.all<VariantRow>(ALL_VARIANTS)).map(toVariant),
    versions: async () => (await db.all<VersionListRow>(VERSIONS)).map(toSummary),
    async version(id) {
      const row = await db.get<VersionRow>(VERSION, [id]);
      return row && toVersion(row);
    },
    async draftOf(variantId) {
      const row = await db.get<VersionRow>(DRAFT_OF, [variantId]);
      return row && toVersion(row);
    },
    async replaceDraft({ variantId, files, hash, changes, uploadedBy }) {
      await db.run(DELETE_DRAFT, [variantId]);
      const json = JSON.stringify(Object.fromEntries(files));
      const row = await db.get<{ id: number }>(INSERT_VERSION, [
        variantId,
        json,
        hash,
        JSON.stringify(changes),
        uploadedBy,
        new Date().toISOString(),
      ]);
      return row!.id;
    },
    async publish(versionId, variantId) {
      const n = (await db.get<{ n: number }>(NEXT_NUMBER, [variantId]))!.n;
      await db.run(PUBLISH, [n, new Date().toISOString(), versionId]);
      return n;
    },
    published: async () =>
      (await db.all<{ id: number; version: number; name: string }>(PUBLISHED)).map((r): PublishedVersion => ({
        id: r.id,
        version: r.version,
        name: r.name,
      })),
    cohortsPinned: async (versionId) =>
      (await db.all<{ id: number; name: string }>(COHORTS_PINNED, [versionId])).map((r): PinnedCohort => ({
        id: r.id,
        name: r.name,
      })),
    async versionFiles(id) {
      const row = await db.get<VersionRow>(VERSION, [id]);
      return row && { hash: row.hash, files: filesOf(row.files) };
    },
    async versionHash(id) {
      const row = await db.get<{ id: number; hash: string; status: VersionStatus }>(HASH, [id]);
      return row && { id: row.id, hash: row.hash, published: row.status === 'published' };
    },
    versionHashes: async () =>
      (await db.all<{ id: number; hash: string; status: VersionStatus }>(HASHES)).map((r) => ({
        id: r.id,
        hash: r.hash,
        published: r.status === 'published',
      })),
  };
}
