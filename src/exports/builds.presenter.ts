import type { ExportStatus } from './builds.service';
import type { ExportStatusJson } from './builds.schema';

/** The address of an export's file and of its progress page, under `/` (pages) or `/api/v1`. */
export const exportPaths = (status: Pick<ExportStatus, 'kind' | 'versionId'>, prefix = '') => {
  const page = `${prefix}/packs/${status.versionId}/${status.kind}`;
  return { page, file: `${page}.zip` };
};

export function exportStatusJson(status: ExportStatus): ExportStatusJson {
  return {
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
