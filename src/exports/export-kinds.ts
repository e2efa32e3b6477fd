import type { Pack } from '../content/types';
import type { ExportMeta } from './meta';
import type { PackageScope } from './packages/scope';

// What the main thread and an export worker say to each other. An export is a file made from one compiled pack
// version (the trainer's pack; the SCORM 1.2, SCORM 2004 and cmi5 packages): built in a worker thread, cached on disk
// per pack version (and, for a package, per part of the pack), with progress while it is built.

/** The packages another learning system imports: one per standard. */
export const PACKAGE_KINDS = ['scorm12', 'scorm2004', 'cmi5'] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];

export const EXPORT_KINDS = ['trainer-pack', ...PACKAGE_KINDS] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const isPackageKind = (kind: ExportKind): kind is PackageKind => kind !== 'trainer-pack';

/** Which part of the pack an export holds: all of it (`{}`), one section or one module (packages only). */
export type ExportScope = PackageScope;

/** A build, as the worker is given it. The pack goes by structured clone: the very pack the readers see. */
export interface ExportJob {
  kind: ExportKind;
  pack: Pack;
  meta: ExportMeta;
  /** A package's part of the pack (the whole pack when empty); the trainer's pack is always whole. */
  scope: ExportScope;
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
