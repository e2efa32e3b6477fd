import type { Db } from '../db/sqlite/open';

export interface VariantRow {
  id: number;
  name: string;
  created_at: string;
}

export interface VersionRow {
  id: number;
  variant_id: number;
  status: 'draft' | 'published';
  version: number | null;
  files: string;
  hash: string;
  summary: string;
  created_at: string;
  published_at: string | null;
}

export interface VersionListRow extends Omit<VersionRow, 'files'> {
  name: string;
}

export function createVariantsRepo(db: Db) {
  const s = {
    byName: db.prepare('SELECT id, name, created_at FROM variants WHERE name_norm = lower(?)'),
    byId: db.prepare('SELECT id, name, created_at FROM variants WHERE id = ?'),
    insert: db.prepare('INSERT INTO variants (name, name_norm, created_by, created_at) VALUES (?, lower(?), ?, ?)'),
    all: db.prepare('SELECT id, name, created_at FROM variants ORDER BY name_norm'),
    versions: db.prepare(
      `SELECT v.id, v.variant_id, v.status, v.version, v.hash, v.summary, v.created_at, v.published_at, x.name
       FROM variant_versions v JOIN variants x ON x.id = v.variant_id ORDER BY x.name_norm, v.status = 'draft' DESC, v.version DESC`,
    ),
    version: db.prepare('SELECT * FROM variant_versions WHERE id = ?'),
    draftOf: db.prepare("SELECT * FROM variant_versions WHERE variant_id = ? AND status = 'draft'"),
    deleteDraft: db.prepare("DELETE FROM variant_versions WHERE variant_id = ? AND status = 'draft'"),
    insertVersion: db.prepare(
      `INSERT INTO variant_versions (variant_id, status, files, hash, summary, uploaded_by, created_at)
       VALUES (?, 'draft', ?, ?, ?, ?, ?)`,
    ),
    nextNumber: db.prepare("SELECT COALESCE(MAX(version), 0) + 1 AS n FROM variant_versions WHERE variant_id = ? AND status = 'published'"),
    publish: db.prepare("UPDATE variant_versions SET status = 'published', version = ?, published_at = ? WHERE id = ? AND status = 'draft'"),
    published: db.prepare(
      `SELECT v.id, v.version, x.name FROM variant_versions v JOIN variants x ON x.id = v.variant_id
       WHERE v.status = 'published' ORDER BY x.name_norm, v.version DESC`,
    ),
    cohortsPinned: db.prepare('SELECT id, name FROM cohorts WHERE variant_version_id = ?'),
  };
  return {
    byName: (name: string) => s.byName.get(name) as VariantRow | undefined,
    byId: (id: number) => s.byId.get(id) as VariantRow | undefined,
    create: (name: string, userId: number) => Number(s.insert.run(name, name, userId, new Date().toISOString()).lastInsertRowid),
    all: () => s.all.all() as VariantRow[],
    versions: () => s.versions.all() as VersionListRow[],
    version: (id: number) => s.version.get(id) as VersionRow | undefined,
    draftOf: (variantId: number) => s.draftOf.get(variantId) as VersionRow | undefined,
    replaceDraft(variantId: number, files: string, hash: string, summary: string, userId: number): number {
      s.deleteDraft.run(variantId);
      return Number(s.insertVersion.run(variantId, files, hash, summary, userId, new Date().toISOString()).lastInsertRowid);
    },
    publish(versionId: number, variantId: number): number {
      const n = (s.nextNumber.get(variantId) as { n: number }).n;
      s.publish.run(n, new Date().toISOString(), versionId);
      return n;
    },
    published: () => s.published.all() as { id: number; version: number; name: string }[],
    cohortsPinned: (versionId: number) => s.cohortsPinned.all(versionId) as { id: number; name: string }[],
    /** A version's overlay files (for the pack registry), or undefined when there is no such version. */
    versionFiles(id: number): { hash: string; files: ReadonlyMap<string, string> } | undefined {
      const row = s.version.get(id) as VersionRow | undefined;
      return row && { hash: row.hash, files: new Map(Object.entries(JSON.parse(row.files) as Record<string, string>)) };
    },
    versionHashes: () => (s.versions.all() as VersionListRow[]).map((v) => ({ id: v.id, hash: v.hash })),
  };
}
export type VariantsRepo = ReturnType<typeof createVariantsRepo>;
