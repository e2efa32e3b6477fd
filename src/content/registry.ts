import { compileVariant } from './compile';
import { CompileAbortedError, CompileTimeoutError, compileVariantOffThread } from './compile-pool';
import { formatError, type Pack } from './types';

/** Where a variant version's files come from (the variants repository, in production). */
export interface StoredVersions {
  /** A version's overlay files and their hash, or undefined when there is no such version. */
  versionFiles(versionId: number): { hash: string; files: ReadonlyMap<string, string> } | undefined;
  /** Every stored version, for compiling them all at start-up. */
  versionHashes(): { id: number; hash: string }[];
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
 */
export class PackRegistry {
  private readonly byHash = new Map<string, Pack>();
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

  /** The pack of a variant version, or the base pack when none is pinned; an unknown version id is an error. */
  forVersion(versionId: number | null | undefined): Pack {
    if (!versionId) return this.base;
    const version = this.stored.versionFiles(versionId);
    if (!version) throw new UnknownVersionError(`There is no variant version ${versionId}`);
    const cached = this.byHash.get(version.hash);
    if (cached) return cached;
    const why = this.refused.get(version.hash);
    if (why) throw new Error(`stored variant version ${versionId} no longer compiles: ${why}`);
    // Only a version asked for before warm() reached it compiles here, on the request's thread.
    const result = compileVariant(this.base.files, version.files);
    if (!result.ok) throw new Error(`stored variant version ${versionId} no longer compiles: ${result.errors.map(formatError).join('; ')}`);
    return this.remember(result.pack);
  }

  /**
   * Compiles every stored version in worker threads, so requests after a restart find their packs ready.
   * Never rejects: what could not be compiled is reported, and refused quickly if asked for later.
   */
  async warm(options: { timeoutMs?: number } = {}): Promise<WarmReport> {
    const report: WarmReport = { compiled: 0, failed: [] };
    const byHash = new Map<string, number[]>();
    for (const v of this.stored.versionHashes()) {
      if (this.byHash.has(v.hash) || this.refused.has(v.hash)) continue;
      byHash.set(v.hash, [...(byHash.get(v.hash) ?? []), v.id]);
    }
    await Promise.all([...byHash.values()].map((ids) => this.warmOne(ids, options.timeoutMs ?? STORED_COMPILE_TIMEOUT_MS, report)));
    return report;
  }

  private async warmOne(ids: number[], timeoutMs: number, report: WarmReport): Promise<void> {
    const version = this.stored.versionFiles(ids[0]);
    if (!version || this.byHash.has(version.hash)) return;
    let error: string;
    let refuse = true;
    try {
      const result = await compileVariantOffThread(this.base.files, new Map(version.files), { timeoutMs });
      if (result.ok) {
        this.remember(result.pack);
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
