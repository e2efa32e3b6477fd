import crypto from 'node:crypto';
import type { PackRegistry } from '../content/registry';
import type { Pack } from '../content/types';
import type { JobsRepo } from '../jobs/jobs.repo';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { Forbidden, NotFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { VariantsRepo } from '../variants/variants.repo';
import type { CachedExport, ExportCache } from './export-cache';
import type { ExportKind } from './export-kinds';
import type { ExportRunner } from './export-runner';
import { describeVersion, type ExportMeta } from './meta';

/** The pack version an export is made from: the built-in pack, or a published variant version's id. */
export type VersionRef = 'builtin' | number;

/** The job that builds a newly published version's exports in the background. */
export const PREPARE_KIND = 'exports.prepare';

export type ExportState =
  | { status: 'building'; done: number; total: number }
  | { status: 'failed'; done: number; total: number; error: string }
  | { status: 'ready'; done: number; total: number; bytes: number; builtAt: number };

/** What a person asking for an export is told: its state, and what the file is called. */
export type ExportStatus = ExportState & {
  kind: ExportKind;
  versionId: VersionRef;
  /** "Customer focused leadership 1.0.0 (variant Wales pilot, version 4)". */
  label: string;
  fileName: string;
};

/** Where an export stands, as a page shows it before anyone asks for it. */
export type ExportSummary =
  | ExportStatus
  | { kind: ExportKind; versionId: VersionRef; label: string; fileName: string; status: 'not_started' };

export interface BuildsDeps {
  packs: PackRegistry;
  versions: Pick<VariantsRepo, 'published'>;
  jobs: Pick<JobsRepo, 'enqueue'>;
  cache: ExportCache;
  runner: ExportRunner;
  clock: Clock;
  logger: Logger;
  organisationName: string;
  /** `PUBLIC_URL`: where the pack's own links lead from a file (as the single-file downloads make them). */
  siteUrl: string;
}

interface Target {
  kind: ExportKind;
  versionId: VersionRef;
  pack: Pack;
  meta: ExportMeta;
  /** The cache key: the pack's content and what the files say about it (two versions with the same content differ). */
  key: string;
}

interface Build {
  state: ExportState;
  done?: Promise<void>;
}

const slug = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[^\w\s.-]/g, '')
    .trim()
    .replace(/[\s_]+/g, '-')
    .toLowerCase()
    .slice(0, 60) || 'pack';

/**
 * Files made from a pack version (the trainer's pack; later SCORM and cmi5 packages): "build an export of kind K for
 * pack version V, off the request thread, cached, with progress". The first request for a version starts its build in
 * a worker; every request while it builds shares that one build and sees its progress; once built, the file is
 * served from the disk cache (a published version never changes, and a new one has a new key). A failed build is
 * remembered until someone asks for it again explicitly (`retry`), so a broken export is not rebuilt on every visit.
 */
export function createBuildsService(deps: BuildsDeps) {
  const { packs, versions, cache, runner, clock, logger } = deps;
  /** Builds running or failed in this process, by kind and key. Ready ones are found on disk. */
  const builds = new Map<string, Build>();

  async function target(kind: ExportKind, versionId: VersionRef, actor: Actor | null): Promise<Target> {
    if (actor && actor.role !== 'trainer' && actor.role !== 'admin')
      throw new Forbidden('The trainer’s pack is for trainers and L&D admins');
    let pack: Pack = packs.base;
    let variant: ExportMeta['variant'] = null;
    if (versionId !== 'builtin') {
      // only published versions: a draft can be replaced at any moment, and no cohort can be pinned to one
      const published = (await versions.published()).find((v) => v.id === versionId);
      if (!published) throw new NotFound('There is no published version of the pack with that id');
      pack = await packs.forVersion(versionId);
      variant = { name: published.name, version: published.version };
    }
    const meta: ExportMeta = {
      packTitle: pack.title,
      packVersion: pack.version,
      variant,
      organisationName: deps.organisationName,
      siteUrl: deps.siteUrl,
    };
    const about = crypto.createHash('sha256').update(JSON.stringify(meta)).digest('hex').slice(0, 8);
    return { kind, versionId, pack, meta, key: `${pack.hash.slice(0, 32)}-${about}` };
  }

  function fileNameOf(t: Target): string {
    const what = t.meta.variant ? `${slug(t.meta.variant.name)}-v${t.meta.variant.version}` : slug(t.pack.id);
    return `trainers-pack-${what}-${slug(t.pack.version)}.zip`;
  }

  const labelOf = (t: Target) => describeVersion(t.meta);

  const readyState = (found: CachedExport): ExportState => ({
    status: 'ready',
    done: found.files,
    total: found.files,
    bytes: found.bytes,
    builtAt: found.builtAt,
  });

  /** Starts the build unless it runs already; resolves when it has ended either way. */
  function start(t: Target): Build {
    const id = `${t.kind}/${t.key}`;
    const running = builds.get(id);
    if (running && running.state.status === 'building') return running;
    const build: Build = { state: { status: 'building', done: 0, total: 0 } };
    builds.set(id, build);
    build.done = (async () => {
      const builtAt = clock.now();
      const temp = await cache.tempFile(t.kind, t.key);
      try {
        const report = await runner.run(
          { kind: t.kind, pack: t.pack, meta: t.meta, builtAt, file: temp },
          (done, total) => {
            build.state = { status: 'building', done, total };
          },
        );
        const kept = await cache.keep(t.kind, t.key, temp, {
          bytes: report.bytes,
          files: report.files,
          builtAt,
        });
        builds.delete(id);
        logger.info(
          {
            export: t.kind,
            version: t.versionId,
            files: report.files,
            bytes: report.bytes,
            ms: clock.now() - builtAt,
            heapPeakMb: report.heapPeakMb,
          },
          'export built',
        );
        build.state = readyState(kept);
      } catch (err) {
        await cache.discard(temp).catch(() => undefined);
        const error = err instanceof Error ? err.message : String(err);
        logger.error({ err, export: t.kind, version: t.versionId }, 'export failed');
        build.state = { ...build.state, status: 'failed', error: error.split('\n')[0] };
      }
    })().catch((err: unknown) => {
      // the cache could not even give a temporary file (a full or read-only disk)
      logger.error({ err, export: t.kind, version: t.versionId }, 'export failed');
      build.state = {
        status: 'failed',
        done: 0,
        total: 0,
        error: err instanceof Error ? err.message : String(err),
      };
    });
    return build;
  }

  /** The export's state, starting its build when it is neither built, building nor failed. */
  async function stateOf(t: Target): Promise<ExportState & { file?: string }> {
    const known = builds.get(`${t.kind}/${t.key}`);
    if (known && known.state.status !== 'ready') return known.state;
    const found = await cache.find(t.kind, t.key);
    if (found) return { ...readyState(found), file: found.file };
    return start(t).state;
  }

  const statusOf = (t: Target, state: ExportState): ExportStatus => ({
    ...state,
    kind: t.kind,
    versionId: t.versionId,
    label: labelOf(t),
    fileName: fileNameOf(t),
  });

  /** Where an export stands (ready, building with its progress, or failed); asking starts a build not yet started. */
  async function status(kind: ExportKind, versionId: VersionRef, actor: Actor): Promise<ExportStatus> {
    const t = await target(kind, versionId, actor);
    const state = await stateOf(t);
    delete state.file;
    return statusOf(t, state);
  }

  /** The file when it is ready (`file` set), else where it stands (starting its build when needed). */
  async function download(
    kind: ExportKind,
    versionId: VersionRef,
    actor: Actor,
  ): Promise<ExportStatus & { file?: string }> {
    const t = await target(kind, versionId, actor);
    return statusOf(t, await stateOf(t));
  }

  /**
   * Where an export stands without starting anything: `not_started` when it is neither built nor building, null when
   * this person cannot have it (not staff) or the version has none (a draft an admin previews).
   */
  async function peek(
    kind: ExportKind,
    versionId: VersionRef | null,
    actor: Actor,
  ): Promise<ExportSummary | null> {
    if (actor.role !== 'trainer' && actor.role !== 'admin') return null;
    let t: Target;
    try {
      t = await target(kind, versionId ?? 'builtin', actor);
    } catch (err) {
      if (err instanceof NotFound) return null;
      throw err;
    }
    const known = builds.get(`${t.kind}/${t.key}`);
    if (known && known.state.status !== 'ready') return statusOf(t, known.state);
    const found = await cache.find(t.kind, t.key);
    if (found) return statusOf(t, readyState(found));
    return {
      kind,
      versionId: t.versionId,
      label: labelOf(t),
      fileName: fileNameOf(t),
      status: 'not_started',
    };
  }

  /** Starts a failed build again (or any not yet built); a running or finished one is left as it is. */
  async function retry(kind: ExportKind, versionId: VersionRef, actor: Actor): Promise<ExportStatus> {
    const t = await target(kind, versionId, actor);
    const id = `${t.kind}/${t.key}`;
    if (builds.get(id)?.state.status === 'failed') builds.delete(id);
    return status(kind, versionId, actor);
  }

  /** Builds a version's exports and waits for them (the background job after a version is published). */
  async function prepare(kind: ExportKind, versionId: VersionRef): Promise<ExportState> {
    const t = await target(kind, versionId, null);
    const id = `${t.kind}/${t.key}`;
    if (builds.get(id)?.state.status === 'failed') builds.delete(id);
    if (await cache.find(t.kind, t.key)) return (await stateOf(t)) as ExportState;
    const build = builds.get(id) ?? start(t);
    await build.done;
    return build.state;
  }

  /** Asks for a version's exports to be built in the background (inside the caller's unit of work: publishing). */
  async function enqueuePrepare(versionId: number): Promise<void> {
    await deps.jobs.enqueue(
      {
        kind: PREPARE_KIND,
        uniqueKey: `trainer-pack:${versionId}`,
        payload: JSON.stringify({ kind: 'trainer-pack', versionId }),
        runAt: clock.now(),
      },
      clock.now(),
    );
  }

  return { status, peek, download, retry, prepare, enqueuePrepare, close: () => runner.close() };
}
export type BuildsService = ReturnType<typeof createBuildsService>;
