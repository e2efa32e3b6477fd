import type { Db } from '../db/sqlite/open';
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

function toVersion(row: VersionRow): VariantVersion {
  return {
    id: row.id,
    variantId: row.variant_id,
    status: row.status,
    version: row.version,
    hash: row.hash,
    files: new Map(Object.entries(JSON.parse(row.files) as Record<string, string>)),
    createdAt: new Date(row.created_at),
    publishedAt: row.published_at === null ? null : new Date(row.published_at),
  };
}

export function createVariantsSqliteRepo(db: Db): VariantsRepo {
  const s = {
    byName: db.prepare<[string], VariantRow>(
      'SELECT id, name, created_at FROM variants WHERE name_norm = lower(?)',
    ),
    byId: db.prepare<[number], VariantRow>('SELECT id, name, created_at FROM variants WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO variants (name, name_norm, created_by, created_at) VALUES (?, lower(?), ?, ?)',
    ),
    all: db.prepare<[], VariantRow>('SELECT id, name, created_at FROM variants ORDER BY name_norm'),
    versions: db.prepare<[], VersionListRow>(
      `SELECT v.id, v.variant_id, v.status, v.version, v.hash, v.created_at, v.published_at, x.name
       FROM variant_versions v JOIN variants x ON x.id = v.variant_id ORDER BY x.name_norm, v.status = 'draft' DESC, v.version DESC`,
    ),
    hashes: db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM variant_versions ORDER BY id'),
    version: db.prepare<[number], VersionRow>(
      'SELECT id, variant_id, status, version, files, hash, created_at, published_at FROM variant_versions WHERE id = ?',
    ),
    draftOf: db.prepare<[number], VersionRow>(
      `SELECT id, variant_id, status, version, files, hash, created_at, published_at FROM variant_versions
       WHERE variant_id = ? AND status = 'draft'`,
    ),
    deleteDraft: db.prepare("DELETE FROM variant_versions WHERE variant_id = ? AND status = 'draft'"),
    insertVersion: db.prepare(
      `INSERT INTO variant_versions (variant_id, status, files, hash, summary, uploaded_by, created_at)
       VALUES (?, 'draft', ?, ?, ?, ?, ?)`,
    ),
    nextNumber: db.prepare<[number], { n: number }>(
      "SELECT COALESCE(MAX(version), 0) + 1 AS n FROM variant_versions WHERE variant_id = ? AND status = 'published'",
    ),
    publish: db.prepare(
      "UPDATE variant_versions SET status = 'published', version = ?, published_at = ? WHERE id = ? AND status = 'draft'",
    ),
    published: db.prepare<[], { id: number; version: number; name: string }>(
      `SELECT v.id, v.version, x.name FROM variant_versions v JOIN variants x ON x.id = v.variant_id
       WHERE v.status = 'published' ORDER BY x.name_norm, v.version DESC`,
    ),
    cohortsPinned: db.prepare<[number], { id: number; name: string }>(
      'SELECT id, name FROM cohorts WHERE variant_version_id = ?',
    ),
  };

  return {
    byName(name) {
      const row = s.byName.get(name);
      return row && toVariant(row);
    },
    byId(id) {
      const row = s.byId.get(id);
      return row && toVariant(row);
    },
    create: (name, createdBy) =>
      Number(s.insert.run(name, name, createdBy, new Date().toISOString()).lastInsertRowid),
    all: () => s.all.all().map(toVariant),
    versions: () => s.versions.all().map(toSummary),
    version(id) {
      const row = s.version.get(id);
      return row && toVersion(row);
    },
    draftOf(variantId) {
      const row = s.draftOf.get(variantId);
      return row && toVersion(row);
    },
    replaceDraft({ variantId, files, hash, changes, uploadedBy }) {
      s.deleteDraft.run(variantId);
      const json = JSON.stringify(Object.fromEntries(files));
      return Number(
        s.insertVersion.run(
          variantId,
          json,
          hash,
          JSON.stringify(changes),
          uploadedBy,
          new Date().toISOString(),
        ).lastInsertRowid,
      );
    },
    publish(versionId, variantId) {
      const n = s.nextNumber.get(variantId)!.n;
      s.publish.run(n, new Date().toISOString(), versionId);
      return n;
    },
    published: () =>
      s.published.all().map((r): PublishedVersion => ({ id: r.id, version: r.version, name: r.name })),
    cohortsPinned: (versionId) =>
      s.cohortsPinned.all(versionId).map((r): PinnedCohort => ({ id: r.id, name: r.name })),
    versionFiles(id) {
      const row = s.version.get(id);
      return (
        row && {
          hash: row.hash,
          files: new Map(Object.entries(JSON.parse(row.files) as Record<string, string>)),
        }
      );
    },
    versionHashes: () => s.hashes.all().map((r) => ({ id: r.id, hash: r.hash })),
  };
}
