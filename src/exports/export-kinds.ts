import type { Pack } from '../content/types';
import type { ExportMeta } from './meta';

// What the main thread and an export worker say to each other. An export is a file made from one compiled pack
// version (the trainer's pack now; SCORM and cmi5 packages are the same kind of thing): built in a worker thread,
// cached on disk per pack version, with progress while it is built.

export const EXPORT_KINDS = ['trainer-pack'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** A build, as the worker is given it. The pack goes by structured clone: the very pack the readers see. */
export interface ExportJob {
  kind: ExportKind;
  pack: Pack;
  meta: ExportMeta;
  /** When the build started (ms since the epoch): written into the files as when they were made. */
  builtAt: number;
  /** Where the worker writes the file (a temporary name; the main thread renames it into the cache). */
  file: string;
}

export interface ExportReport {
  /** Files inside the export (for a zip). */
  files: number;
  bytes: number;
  /** The worker's largest V8 heap in use while it built, in MB. */
  heapPeakMb: number;
}

export type FromExportWorker =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; report: ExportReport }
  | { type: 'failed'; message: string };
