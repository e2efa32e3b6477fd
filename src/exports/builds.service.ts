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
import { PACKAGE_KINDS, isPackageKind, type ExportKind, type ExportScope } from './export-kinds';
import type { ExportRunner } from './export-runner';
import { describeVersion, type ExportMeta } from './meta';
import { PackageScopeError, selectScope } from './packages/scope';

/** The pack version an export is made from: the built-in pack, or a published variant version's id. */
export type VersionRef = 'builtin' | number;

/** The job that builds a newly published version's exports in the background. */
export const PREPARE_KIND = 'exports.prepare';

export type ExportState =
  | { status: 'building'; done: number; total: number }
  | { status: 'failed'; done: number; total: number; error: string }
  | { status: 'ready'; done: number; total: number; bytes: number; builtAt: number };

/** One section or one module of the pack, when a package holds only that part. */
export interface ExportPart {
  scope: 'section' | 'module';
  id: string;
  title: string;
}

/** Which export a status is about, and what its file is called. */
export interface ExportIdentity {
  kind: ExportKind;
  versionId: VersionRef;
  /** "Customer focused leadership 1.0.0 (variant Wales pilot, version 4)". */
  label: string;
  /** The section or module a package holds; null for the whole pack. */
  part: ExportPart | null;
  fileName: string;
}

/** What a person asking for an export is told: its state, and what the file is called. */
export type ExportStatus = ExportState & ExportIdentity;

/** Where an export stands, as a page shows it before anyone asks for it. */
export type ExportSummary = ExportStatus | (ExportIdentity & { status: 'not_started' });

/** What the page "Use this pack in another learning system" offers for one pack version. */
export interface PackageChoices {
  versionId: VersionRef;
  label: string;
  /** The whole pack in each format, as it stands now (nothing is started by looking). */
  packages: ExportSummary[];
  /** The parts one may package alone: the sections that have modules, with their modules. */
  sections: { id: string; title: string; modules: { id: string; title: string }[] }[];
}

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
  scope: ExportScope;
  part: ExportPart | null;
  /**
   * The cache key: the pack's content, what the files say about it (two versions with the same content differ) and
   * the part of the pack a package holds.
   */
  key: string;
}

/** The part a scope names, checked against the pack: an unknown section or module is no file at all (404). */
function partOf(pack: Pack, kind: ExportKind, scope: ExportScope): ExportPart | null {
  if (!scope.section && !scope.module) return null;
  if (!isPackageKind(kind)) throw new NotFound('The trainer’s pack is made of the whole pack only');
  try {
    const { title } = selectScope(pack, scope);
    return scope.module
      ? { scope: 'module', id: scope.module, title: title! }
      : { scope: 'section', id: scope.section!, title: title! };
  } catch (err) {
    if (err instanceof PackageScopeError)
      throw new NotFound(
        scope.module
          ? 'There is no module with that id in this version of the pack'
          : 'There is no section with that id in this version of the pack',
      );
    throw err;
  }
}

/** What names the export a person asks for: its kind, the pack version, who asks, and (a package only) the part. */
type Asked = [kind: ExportKind, versionId: VersionRef, actor: Actor, scope?: ExportScope];

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
 * Files made from a pack version (the trainer's pack; the SCORM 1.2, SCORM 2004 and cmi5 packages of the whole pack,
 * a section or a module): "build an export of kind K for pack version V, off the request thread, cached, with
 * progress". The first request for a version starts its build in
 * a worker; every request while it builds shares that one build and sees its progress; once built, the file is
 * served from the disk cache (a published version never changes, and a new one has a new key). A failed build is
 * remembered until someone asks for it again explicitly (`retry`), so a broken export is not rebuilt on every visit.
 */
export function createBuildsService(deps: BuildsDeps) {
  const { packs, versions, cache, runner, clock, logger } = deps;
  /** Builds running or failed in this process, by kind and key. Ready ones are found on disk. */
  const builds = new Map<string, Build>();

  async function target(
    kind: ExportKind,
    versionId: VersionRef,
    actor: Actor | null,
    scope: ExportScope = {},
  ): Promise<Target> {
    if (actor && actor.role !== 'trainer' && actor.role !== 'admin')
      throw new Forbidden('These files of the pack are for trainers and L&D admins');
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
    const part = partOf(pack, kind, scope);
    const about = crypto.createHash('sha256').update(JSON.stringify(meta)).digest('hex').slice(0, 8);
    // a part's id is a slug the pack compiler checked (a-z, 0-9 and -): safe in a file name
    const ofPart = part ? `-${part.scope}-${part.id}` : '';
    return {
      kind,
      versionId,
      pack,
      meta,
      scope: part ? { [part.scope]: part.id } : {},
      part,
      key: `${pack.hash.slice(0, 32)}-${about}${ofPart}`,
    };
  }

  /** `trainers-pack-northshire-v1-1.0.0.zip`; `customer-focused-leadership-1.0.0-scorm2004-section-case-studies.zip`. */
  function fileNameOf(t: Target): string {
    const what = t.meta.variant ? `${slug(t.meta.variant.name)}-v${t.meta.variant.version}` : slug(t.pack.id);
    if (!isPackageKind(t.kind)) return `trainers-pack-${what}-${slug(t.pack.version)}.zip`;
    const ofPart = t.part ? `-${t.part.scope}-${t.part.id}` : '';
    return `${what}-${slug(t.pack.version)}-${t.kind}${ofPart}.zip`;
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
          { kind: t.kind, pack: t.pack, meta: t.meta, scope: t.scope, builtAt, file: temp },
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
            part: t.part ? `${t.part.scope} ${t.part.id}` : undefined,
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

  const identityOf = (t: Target): ExportIdentity => ({
    kind: t.kind,
    versionId: t.versionId,
    label: labelOf(t),
    part: t.part,
    fileName: fileNameOf(t),
  });
  const statusOf = (t: Target, state: ExportState): ExportStatus => ({ ...state, ...identityOf(t) });

  /** Where an export stands (ready, building with its progress, or failed); asking starts a build not yet started. */
  async function status(...asked: Asked): Promise<ExportStatus> {
    const t = await target(...asked);
    const state = await stateOf(t);
    delete state.file;
    return statusOf(t, state);
  }

  /** The file when it is ready (`file` set), else where it stands (starting its build when needed). */
  async function download(...asked: Asked): Promise<ExportStatus & { file?: string }> {
    const t = await target(...asked);
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
    return summaryOf(t);
  }

  async function summaryOf(t: Target): Promise<ExportSummary> {
    const known = builds.get(`${t.kind}/${t.key}`);
    if (known && known.state.status !== 'ready') return statusOf(t, known.state);
    const found = await cache.find(t.kind, t.key);
    if (found) return statusOf(t, readyState(found));
    return { ...identityOf(t), status: 'not_started' };
  }

  /**
   * What the page for other learning systems offers for a version: the whole pack in each format (as it stands, nothing
   * started) and the sections and modules one may package alone.
   */
  async function packageChoices(versionId: VersionRef, actor: Actor): Promise<PackageChoices> {
    const targets = await Promise.all(PACKAGE_KINDS.map((kind) => target(kind, versionId, actor)));
    const { pack } = targets[0];
    return {
      versionId,
      label: labelOf(targets[0]),
      packages: await Promise.all(targets.map(summaryOf)),
      sections: pack.sections
        .filter((s) => s.modules.length)
        .map((s) => ({
          id: s.id,
          title: s.title,
          modules: s.modules.map((m) => ({ id: m.id, title: m.title })),
        })),
    };
  }

  /** Starts a failed build again (or any not yet built); a running or finished one is left as it is. */
  async function retry(...asked: Asked): Promise<ExportStatus> {
    const t = await target(...asked);
    const id = `${t.kind}/${t.key}`;
    if (builds.get(id)?.state.status === 'failed') builds.delete(id);
    return status(...asked);
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

  /**
   * Asks for a version's exports to be built in the background (inside the caller's unit of work: publishing): the
   * trainer's pack and the whole pack in each package format. A package takes a fraction of a second, so a new
   * version's packages are ready when the first trainer opens the page for other learning systems; a section's or a
   * module's package is made when someone asks for it.
   */
  async function enqueuePrepare(versionId: number): Promise<void> {
    for (const kind of ['trainer-pack', ...PACKAGE_KINDS] as const)
      await deps.jobs.enqueue(
        {
          kind: PREPARE_KIND,
          uniqueKey: `${kind}:${versionId}`,
          payload: JSON.stringify({ kind, versionId }),
          runAt: clock.now(),
        },
        clock.now(),
      );
  }

  return {
    status,
    peek,
    download,
    retry,
    prepare,
    enqueuePrepare,
    packageChoices,
    close: () => runner.close(),
  };
}
export type BuildsService = ReturnType<typeof createBuildsService>;
