import yazl from 'yazl';
import type { UnitOfWork } from '../db/ports';
import type { AuditRepo } from '../audit/audit.repo';
import type { PackRegistry } from '../content/registry';
import { sizeProblems } from '../content/compile';
import { CompileAbortedError, CompileTimeoutError, compileVariantOffThread } from '../content/compile-pool';
import { parseFrontMatter } from '../content/frontmatter';
import { formatError, type Pack } from '../content/types';
import type { ProgressRepo } from '../progress/progress.repo';
import type { Actor } from '../shared/actor';
import { Conflict, Invalid, NotFound } from '../shared/errors';
import { packChanges, type ModuleChange } from './diff';
import type { VariantsRepo, VariantVersion, VariantVersionSummary } from './variants.repo';
import { NAME_MESSAGE, type UploadFields } from './variants.schema';
import { readZip } from './zip';

export const UPLOAD_MAX_BYTES = 8 * 1024 * 1024;
/** How long an upload's compile may take (in a worker thread) before it is refused. */
export const UPLOAD_COMPILE_TIMEOUT_MS = 10_000;

/** A variant named after its file: `northshire.zip` is "northshire" (at most 80 characters). */
export function nameFromFile(originalname: string): string {
  return originalname
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    .trim()
    .slice(0, 80);
}

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

/** An upload: the file (if one was sent) and the form's fields, already parsed with `uploadFieldsSchema`. */
export interface UploadInput extends UploadFields {
  file: UploadedFile | undefined;
}

/** A version with its compiled pack and its variant's name. */
export type VersionView = VariantVersion & { pack: Pack; variantName: string };

export interface UploadReport {
  variantId: number;
  versionId: number;
  name: string;
  hash: string;
  changes: { id: string; title: string; change: ModuleChange['change'] }[];
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

export function createVariantsService(
  uow: UnitOfWork,
  repo: VariantsRepo,
  packs: PackRegistry,
  progress: ProgressRepo,
  audit: AuditRepo,
  /** Told of each version published, inside the publishing unit of work (the trainer's pack is built from it). */
  published: (versionId: number) => Promise<void> = async () => undefined,
) {
  const base = () => packs.base;

  function sectionDirs(): Set<string> {
    return new Set(base().sections.map((s) => s.dir));
  }

  /** Accepts `pack.yaml` and `SECTION/NAME.md`, also inside one wrapping folder (as zip tools often add). */
  function layoutOf(names: string[]) {
    const dirs = sectionDirs();
    const top = names.length && names.every((n) => n.includes('/')) ? `${names[0].split('/')[0]}/` : '';
    const prefix = top && !dirs.has(top.slice(0, -1)) && names.every((n) => n.startsWith(top)) ? top : '';
    return (name: string): string | undefined => {
      const rel = prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
      if (rel === 'pack.yaml') return rel;
      const parts = rel.split('/');
      return parts.length === 2 && dirs.has(parts[0]) && /^[A-Za-z0-9][A-Za-z0-9._-]*\.md$/.test(parts[1])
        ? rel
        : undefined;
    };
  }

  async function overlayFromZip(buffer: Buffer): Promise<Map<string, string>> {
    const { files, problems } = await readZip(buffer, layoutOf);
    if (problems.length) throw new Invalid(problems, 'The zip was refused');
    if (files.size === 0) throw new Invalid([{ field: 'file', message: 'the zip holds no pack files' }]);
    return files;
  }

  function overlayFromMarkdown(file: UploadedFile, section: string | undefined): Map<string, string> {
    const text = utf8(file.buffer);
    const tooBig = sizeProblems(file.originalname, text);
    if (tooBig.length)
      throw new Invalid(
        tooBig.map((e) => ({ field: 'file', message: formatError(e) })),
        'The file is too large to compile',
      );
    const { parsed, errors } = parseFrontMatter(file.originalname, text);
    if (!parsed) throw new Invalid(errors.map((e) => ({ field: 'file', message: formatError(e) })));
    const id = typeof parsed.data.id === 'string' ? parsed.data.id : '';
    const existing = base().modules.get(id);
    if (existing) return new Map([[existing.file, text]]);
    const dir = section && sectionDirs().has(section) ? section : undefined;
    if (!dir)
      throw new Invalid([
        {
          field: 'section',
          message: `"${id || file.originalname}" is a new module: choose the section it belongs to`,
        },
      ]);
    return new Map([[`${dir}/${id || 'module'}.md`, text]]);
  }

  /** Validates an upload with the same compiler as the built-in pack; nothing is stored unless it is all good. */
  async function upload({ file, name, section }: UploadInput, actor: Actor): Promise<UploadReport> {
    if (!file)
      throw new Invalid([{ field: 'file', message: 'Choose a .zip or .md file to upload (field "file")' }]);
    if (file.buffer.length === 0) throw new Invalid([{ field: 'file', message: 'The file is empty' }]);
    const variantName = name || nameFromFile(file.originalname);
    if (!variantName) throw new Invalid([{ field: 'name', message: NAME_MESSAGE }]);
    const isZip =
      file.buffer.subarray(0, 4).equals(ZIP_MAGIC) || file.buffer.subarray(0, 4).equals(EMPTY_ZIP);
    let overlay: Map<string, string>;
    if (isZip) overlay = await overlayFromZip(file.buffer);
    else if (/\.md$/i.test(file.originalname)) overlay = overlayFromMarkdown(file, section);
    else
      throw new Invalid([
        { field: 'file', message: 'Upload a .zip of a content folder or a single .md file' },
      ]);

    const result = await compileOffThread(overlay);
    if (!result.ok)
      throw new Invalid(
        result.errors.map((e) => ({ field: 'file', message: formatError(e) })),
        'The variant has problems: fix each one and upload it again',
      );
    const lost = [...(await progress.outcomesWithProgress())].filter(
      (id) => base().outcomes.has(id) && !result.pack.outcomes.has(id),
    );
    if (lost.length) {
      throw new Invalid(
        lost.map((id) => ({
          field: 'file',
          message: `outcome ${id} has recorded progress and cannot be removed (you may reword it)`,
        })),
      );
    }
    const pack = packs.remember(result.pack);
    const changes = packChanges(base(), pack).map(({ id, title, change }) => ({ id, title, change }));
    const { variantId, versionId } = await uow.run(async () => {
      const variantId = (await repo.byName(variantName))?.id ?? (await repo.create(variantName, actor.id));
      const versionId = await repo.replaceDraft({
        variantId,
        files: overlay,
        hash: pack.hash,
        changes,
        uploadedBy: actor.id,
      });
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'variant.upload',
        target: `variant:${variantId}`,
        detail: `draft ${versionId}, ${changes.length} changes`,
      });
      return { variantId, versionId };
    });
    return { variantId, versionId, name: (await repo.byId(variantId))!.name, hash: pack.hash, changes };
  }

  /** The upload's compile, in a worker thread within a time limit; a time-out or memory blow-up is the input's fault (422). */
  async function compileOffThread(overlay: Map<string, string>) {
    try {
      return await compileVariantOffThread(base().files, overlay, { timeoutMs: UPLOAD_COMPILE_TIMEOUT_MS });
    } catch (err) {
      if (err instanceof CompileTimeoutError || err instanceof CompileAbortedError) {
        throw new Invalid([{ field: 'file', message: err.message }], 'The variant could not be compiled');
      }
      throw err;
    }
  }

  async function publish(variantId: number, actor: Actor): Promise<{ versionId: number; version: number }> {
    if (!(await repo.byId(variantId))) throw new NotFound('No such variant');
    const draft = await repo.draftOf(variantId);
    if (!draft) throw new Conflict('This variant has no draft to publish: upload one first');
    const version = await uow.run(async () => {
      const n = await repo.publish(draft.id, variantId);
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'variant.publish',
        target: `variant:${variantId}`,
        detail: `v${n} (version ${draft.id})`,
      });
      await published(draft.id);
      return n;
    });
    return { versionId: draft.id, version };
  }

  /** What publishing a variant's draft would do: its next number and its changes from the built-in pack. */
  async function publishPreview(variantId: number): Promise<{
    variantId: number;
    name: string;
    draftId: number;
    nextVersion: number;
    changes: ModuleChange[];
  }> {
    const variant = Number.isInteger(variantId) ? await repo.byId(variantId) : undefined;
    if (!variant) throw new NotFound('No such variant');
    const [draft, published] = await Promise.all([repo.draftOf(variantId), repo.published()]);
    if (!draft) throw new Conflict('This variant has no draft to publish: upload one first');
    const latest = Math.max(0, ...published.filter((p) => p.name === variant.name).map((p) => p.version));
    return {
      variantId,
      name: variant.name,
      draftId: draft.id,
      nextVersion: latest + 1,
      changes: packChanges(base(), await packs.forVersion(draft.id)),
    };
  }

  async function version(id: number): Promise<VersionView> {
    const row = Number.isInteger(id) ? await repo.version(id) : undefined;
    if (!row) throw new NotFound('No such variant version');
    const [pack, variant] = await Promise.all([packs.forVersion(row.id), repo.byId(row.variantId)]);
    return { ...row, pack, variantName: variant?.name ?? '' };
  }

  /** A version, what it changes from the built-in pack, and the cohorts pinned to it. */
  async function diff(versionId: number): Promise<{
    row: VersionView;
    changes: ModuleChange[];
    pinned: { id: number; name: string }[];
  }> {
    const row = await version(versionId);
    return { row, changes: packChanges(base(), row.pack), pinned: await repo.cohortsPinned(row.id) };
  }

  /** The version's own files as a zip; uploading it again gives the same variant. */
  async function zipOf(versionId: number): Promise<Buffer> {
    const row = await version(versionId);
    const zip = new yazl.ZipFile();
    for (const path of [...row.files.keys()].sort())
      zip.addBuffer(Buffer.from(row.files.get(path)!, 'utf8'), path, { mtime: row.createdAt });
    zip.end();
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
      zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
      zip.outputStream.on('error', reject);
    });
  }

  async function choices(): Promise<{ id: number; label: string }[]> {
    return (await repo.published()).map((v) => ({ id: v.id, label: `${v.name} v${v.version}` }));
  }

  async function isPublished(versionId: number): Promise<boolean> {
    return (await repo.versionHash(versionId))?.published === true;
  }

  async function labelOf(versionId: number | null): Promise<string> {
    if (!versionId) return 'The built-in pack';
    const row = await repo.version(versionId);
    return row
      ? `${(await repo.byId(row.variantId))?.name ?? 'Variant'} v${row.version ?? 'draft'}`
      : 'The built-in pack';
  }

  /** What changes between two packs, module by module (for pinning a cohort to another version). */
  function changesBetween(from: Pack, to: Pack) {
    return packChanges(from, to).map(({ id, title, change, summary }) => ({ id, title, change, summary }));
  }

  return {
    upload,
    publish,
    publishPreview,
    changesBetween,
    version,
    diff,
    zipOf,
    choices,
    isPublished,
    labelOf,
    list: (): Promise<VariantVersionSummary[]> => repo.versions(),
  };
}
export type VariantsService = ReturnType<typeof createVariantsService>;

function utf8(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw new Invalid([{ field: 'file', message: 'The file is not UTF-8 text' }]);
  }
}
