import { compileVariant } from './compile';
import { CompileAbortedError, CompileTimeoutError, compileVariantOffThread } from './compile-pool';
import { formatError, type Pack } from './types';

/** A stored version's identity: the hash of its compiled pack, and whether it is published (then immutable). */
export interface StoredVersionHash {
  id: number;
  hash: string;
  published: boolean;
}

/** Where a variant version's files come from (the variants repository, in production). */
export interface StoredVersions {
  /** A version's hash and status (without its files), or undefined when there is no such version. */
  versionHash(versionId: number): Promise<StoredVersionHash | undefined>;
  /** A version's overlay files and their hash, or undefined when there is no such version. */
  versionFiles(versionId: number): Promise<{ hash: string; files: ReadonlyMap<string, string> } | undefined>;
  /** Every stored version, for compiling them all at start-up. */
  versionHashes(): Promise<StoredVersionHash[]>;
}

export interface WarmReport {
  compiled: number;
  failed: { versionId: number; error: string }[];
}

export class UnknownVersionError extends Error {}

const STORED_COMPILE_TIMEOUT_MS = 60_000;

/**
 * Compiled packs: the built-in pack and variant versions, each compiled once and cached by content hash (compiled
 * packs are immutable, so a cache per process is safe whatever another instance does).
 *
 * A published version can never change or be deleted (the database refuses), so its pack is also cached by version
 * id: asking for it again is a map look-up, with no database call. A draft can be replaced (deleted) at any time, by
 * any instance, so each request for a draft asks the database whether it still exists (its hash only; its files are
 * read only when that hash has not been compiled yet).
 */
export class PackRegistry {
  private readonly byHash = new Map<string, Pack>();
  /** Published versions' packs by version id (immutable: never invalidated). */
  private readonly byVersion = new Map<number, Pack>();
  /** Stored versions (by hash) that failed to compile: refused at once, never recompiled on a request. */
  private readonly refused = new Map<string, string>();

  constructor(
    readonly base: Pack,
    private readonly stored: StoredVersions,
  ) {
    this.byHash.set(base.hash, base);
  }

  cached(hash: string): Pack | undefined {
    return this.byHash.get(hash);
  }

  remember(pack: Pack): Pack {
    const existing = this.byHash.get(pack.hash);
    if (existing) return existing;
    this.byHash.set(pack.hash, pack);
    return pack;
  }

  /** The pack of a published version already asked for (or warmed), without asking the database. */
  cachedVersion(versionId: number): Pack | undefined {
    return this.byVersion.get(versionId);
  }

  /** The pack of a variant version, or the base pack when none is pinned; an unknown version id is an error. */
  async forVersion(versionId: number | null | undefined): Promise<Pack> {
    if (!versionId) return this.base;
    const known = this.byVersion.get(versionId);
    if (known) return known;
    const stored = await this.stored.versionHash(versionId);
    if (!stored) throw new UnknownVersionError(`There is no variant version ${versionId}`);
    return this.keep(stored, this.byHash.get(stored.hash) ?? (await this.compileStored(stored)));
  }

  /** Remembers a published version's pack by id (a draft's id may later name nothing, so it is not kept by id). */
  private keep(version: StoredVersionHash, pack: Pack): Pack {
    if (version.published) this.byVersion.set(version.id, pack);
    return pack;
  }

  /** Compiles a stored version on the request's thread: only one asked for before warm() reached it compiles here. */
  private async compileStored({ id, hash }: StoredVersionHash): Promise<Pack> {
    const refusedWhy = this.refused.get(hash);
    if (refusedWhy) throw new Error(`stored variant version ${id} no longer compiles: ${refusedWhy}`);
    const version = await this.stored.versionFiles(id);
    if (!version) throw new UnknownVersionError(`There is no variant version ${id}`);
    // another request may have compiled it while this one read the files
    const cached = this.byHash.get(version.hash);
    if (cached) return cached;
    const why = this.refused.get(version.hash);
    if (why) throw new Error(`stored variant version ${id} no longer compiles: ${why}`);
    const result = compileVariant(this.base.files, version.files);
    if (!result.ok) throw new Error(`stored variant version ${id} no longer compiles: ${result.errors.map(formatError).join('; ')}`);
    return this.remember(result.pack);
  }

  /**
   * Compiles every stored version in worker threads, so requests after a restart find their packs ready.
   * Never rejects: what could not be compiled is reported, and refused quickly if asked for later.
   */
  async warm(options: { timeoutMs?: number } = {}): Promise<WarmReport> {
    const report: WarmReport = { compiled: 0, failed: [] };
    const byHash = new Map<string, StoredVersionHash[]>();
    for (const v of await this.stored.versionHashes()) {
      const compiled = this.byHash.get(v.hash);
      if (compiled) this.keep(v, compiled);
      if (compiled || this.refused.has(v.hash)) continue;
      byHash.set(v.hash, [...(byHash.get(v.hash) ?? []), v]);
    }
    const timeoutMs = options.timeoutMs ?? STORED_COMPILE_TIMEOUT_MS;
    await Promise.all([...byHash.values()].map((versions) => this.warmOne(versions, timeoutMs, report)));
    return report;
  }

  private async warmOne(versions: StoredVersionHash[], timeoutMs: number, report: WarmReport): Promise<void> {
    const ids = versions.map((v) => v.id);
    const version = await this.stored.versionFiles(ids[0]);
    if (!version) return;
    const compiled = this.byHash.get(version.hash);
    if (compiled) {
      versions.forEach((v) => this.keep(v, compiled));
      return;
    }
    let error: string;
    let refuse = true;
    try {
      const result = await compileVariantOffThread(this.base.files, new Map(version.files), { timeoutMs });
      if (result.ok) {
        const pack = this.remember(result.pack);
        versions.forEach((v) => this.keep(v, pack));
        report.compiled += ids.length;
        return;
      }
      error = result.errors.map(formatError).join('; ');
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      // too slow or too big is the content's doing; anything else (pool closed, a bug) may pass on a retry
      refuse = err instanceof CompileTimeoutError || err instanceof CompileAbortedError;
    }
    if (refuse) this.refused.set(version.hash, error);
    ids.forEach((versionId) => report.failed.push({ versionId, error }));
  }
}
