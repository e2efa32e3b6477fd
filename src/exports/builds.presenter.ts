import type { ExportPart, ExportStatus } from './builds.service';
import type { ExportStatusJson } from './builds.schema';
import { isPackageKind, type ExportKind } from './export-kinds';

/**
 * The address of an export's file and of its progress page, under `/` (pages) or `/api/v1`: the trainer's pack at
 * `/packs/:versionId/trainer-pack`, a package at `/packs/:versionId/export/:format` with `?section=` or `?module=`.
 */
export const exportPaths = (
  status: Pick<ExportStatus, 'kind' | 'versionId'> & { part: Pick<ExportPart, 'scope' | 'id'> | null },
  prefix = '',
) => {
  const base = isPackageKind(status.kind)
    ? `${prefix}/packs/${status.versionId}/export/${status.kind}`
    : `${prefix}/packs/${status.versionId}/${status.kind}`;
  const query = status.part ? `?${status.part.scope}=${encodeURIComponent(status.part.id)}` : '';
  return { page: `${base}${query}`, file: `${base}.zip${query}` };
};

const NOUNS: Record<ExportKind, string> = {
  'trainer-pack': 'trainer’s pack',
  scorm12: 'SCORM 1.2 package',
  scorm2004: 'SCORM 2004 package',
  cmi5: 'cmi5 package',
};

/** What pages and messages call an export: "trainer’s pack", "SCORM 1.2 package" … */
export const exportNoun = (kind: ExportKind): string => NOUNS[kind];

export function exportStatusJson(status: ExportStatus): ExportStatusJson {
  return {
    kind: status.kind,
    part: status.part,
    status: status.status,
    done: status.done,
    total: status.total,
    ...(status.status === 'ready'
      ? { bytes: status.bytes, builtAt: new Date(status.builtAt).toISOString() }
      : {}),
    ...(status.status === 'failed' ? { error: status.error } : {}),
    versionId: status.versionId,
    label: status.label,
    fileName: status.fileName,
    download: exportPaths(status, '/api/v1').file,
  };
}
