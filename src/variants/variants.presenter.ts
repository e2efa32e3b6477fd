import type { VariantVersionSummary } from './variants.repo';
import type { UploadReport } from './variants.service';
import type { z } from 'zod';
import type {
  publishedJsonSchema,
  uploadJsonSchema,
  variantVersionJsonSchema,
  variantVersionListJsonSchema,
} from './variants.schema';

/** `GET /api/v1/variants`: one entry per version. */
export function versionJson(r: VariantVersionSummary): z.infer<typeof variantVersionJsonSchema> {
  return {
    id: r.id,
    variantId: r.variantId,
    name: r.name,
    status: r.status,
    version: r.version,
    hash: r.hash,
    createdAt: r.createdAt.toISOString(),
    publishedAt: r.publishedAt ? r.publishedAt.toISOString() : null,
  };
}

/** `GET /api/v1/variants`. */
export function versionListJson(rows: VariantVersionSummary[]): z.infer<typeof variantVersionListJsonSchema> {
  return { versions: rows.map(versionJson) };
}

/** `POST /api/v1/variants/:id/publish`: the new version (201 with its `id`, as every created resource answers). */
export function publishedJson(p: {
  versionId: number;
  version: number;
}): z.infer<typeof publishedJsonSchema> {
  return { id: p.versionId, versionId: p.versionId, version: p.version };
}

/** `POST /api/v1/variants`: the draft an upload made. */
export function uploadJson(report: UploadReport): z.infer<typeof uploadJsonSchema> {
  return {
    id: report.variantId,
    variantId: report.variantId,
    draftId: report.versionId,
    name: report.name,
    hash: report.hash,
    changes: report.changes,
  };
}

/** "draft" or "v3". */
export function versionLabel(row: { status: string; version: number | null }): string {
  return row.status === 'draft' ? 'draft' : `v${row.version}`;
}

/** The download's file name: `northshire-council-v2.zip`. */
export function zipFileName(row: { variantName: string; status: string; version: number | null }): string {
  const slug =
    row.variantName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'variant';
  return `${slug}-${versionLabel(row)}.zip`;
}

/** Upload problems point at the form's fields: name, section, or the file for everything the file caused. */
export function uploadProblemFields<D extends { field: string }>(details: D[]): D[] {
  return details.map((d) => ({
    ...d,
    field: d.field === 'name' || d.field === 'section' ? d.field : 'file',
  }));
}
