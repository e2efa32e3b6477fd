import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../shared/clock';
import type { ExportKind } from './export-kinds';

/**
 * Built exports on disk, under `DATA_DIR/exports/<kind>/`, so a restart keeps them. A file is written under a
 * temporary name and renamed into place once whole (its facts beside it in a `.json`, renamed first), so a reader
 * never sees half a file, whatever instance or crash came before.
 *
 * A file's name is its key (the pack version's content and what the files say about it) and a fingerprint of the
 * code that makes exports (this folder's modules, the files a package carries and the libraries' versions): an upgrade that changes how
 * files are written never serves a file made by the old code. Files of another fingerprint, and temporary files
 * left by a stopped build, are swept the first time a kind is built after a start.
 *
 * Each instance keeps its own cache in its own DATA_DIR (several instances on PostgreSQL each build once).
 */

export interface CachedExport {
  file: string;
  bytes: number;
  files: number;
  /** When the build started, ms since the epoch (what the files say). */
  builtAt: number;
}

export interface ExportCache {
  find(kind: ExportKind, key: string): Promise<CachedExport | undefined>;
  /** A fresh temporary path beside where the export will live. */
  tempFile(kind: ExportKind, key: string): Promise<string>;
  /** Moves a whole temporary file into place, with its facts. */
  keep(kind: ExportKind, key: string, temp: string, facts: Omit<CachedExport, 'file'>): Promise<CachedExport>;
  discard(temp: string): Promise<void>;
}

const TEMP_KEPT_MS = 3_600_000;
const LIBRARIES = ['pptxgenjs', 'docx', 'yazl', 'govuk-frontend'];
/** Files outside this folder that go into packages as they are (the runtime that talks to the LMS, the app's styles). */
const PACKAGED_FILES = ['public/js/package-runtime.js', 'public/css/app.css'];

/** This folder's code and its subfolders' (the packages'), sorted so the hash does not depend on the file system. */
function codeFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** The repository's root (where package.json is), from src/ or from the compiled dist/src/. */
function rootOf(dir: string): string {
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * What makes exports: this folder's code (built or source), the files packages carry as they are, and the versions of
 * the libraries that write the files (GOV.UK Frontend's styles and fonts go into every package).
 */
function codeFingerprint(): string {
  const hash = crypto.createHash('sha256');
  for (const file of codeFiles(__dirname))
    hash.update(path.relative(__dirname, file)).update(fs.readFileSync(file));
  const root = rootOf(__dirname);
  for (const name of PACKAGED_FILES) {
    const file = path.join(root, name);
    hash.update(name).update(fs.existsSync(file) ? fs.readFileSync(file) : '?');
  }
  for (const lib of LIBRARIES) {
    try {
      const { version } = JSON.parse(fs.readFileSync(require.resolve(`${lib}/package.json`), 'utf8')) as {
        version: string;
      };
      hash.update(`${lib}@${version}`);
    } catch {
      hash.update(`${lib}@?`);
    }
  }
  return hash.digest('hex').slice(0, 12);
}

export function diskExportCache(dataDir: string, clock: Clock): ExportCache {
  const root = path.join(dataDir, 'exports');
  let fingerprint: string | undefined;
  const swept = new Set<ExportKind>();
  const dirOf = (kind: ExportKind) => path.join(root, kind);
  const nameOf = (key: string) => `${key}-${(fingerprint ??= codeFingerprint())}`;
  const zipOf = (kind: ExportKind, key: string) => path.join(dirOf(kind), `${nameOf(key)}.zip`);

  async function sweep(kind: ExportKind): Promise<void> {
    if (swept.has(kind)) return;
    swept.add(kind);
    const dir = dirOf(kind);
    const current = (fingerprint ??= codeFingerprint());
    for (const name of await fs.promises.readdir(dir).catch(() => [] as string[])) {
      const file = path.join(dir, name);
      const stale = name.endsWith('.tmp')
        ? clock.now() - (await fs.promises.stat(file).catch(() => ({ mtimeMs: clock.now() }))).mtimeMs >
          TEMP_KEPT_MS
        : !name.includes(`-${current}.`);
      if (stale) await fs.promises.rm(file, { force: true });
    }
  }

  return {
    async find(kind, key) {
      const file = zipOf(kind, key);
      try {
        const [stat, text] = await Promise.all([
          fs.promises.stat(file),
          fs.promises.readFile(`${file}.json`, 'utf8'),
        ]);
        const facts = JSON.parse(text) as { files: number; builtAt: number };
        return { file, bytes: stat.size, files: facts.files, builtAt: facts.builtAt };
      } catch {
        return undefined;
      }
    },
    async tempFile(kind, key) {
      await fs.promises.mkdir(dirOf(kind), { recursive: true });
      await sweep(kind);
      return path.join(
        dirOf(kind),
        `${nameOf(key)}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`,
      );
    },
    async keep(kind, key, temp, facts) {
      const file = zipOf(kind, key);
      const factsTemp = `${temp}.json.tmp`;
      await fs.promises.writeFile(factsTemp, JSON.stringify({ files: facts.files, builtAt: facts.builtAt }));
      await fs.promises.rename(factsTemp, `${file}.json`);
      await fs.promises.rename(temp, file);
      return { file, ...facts };
    },
    async discard(temp) {
      await fs.promises.rm(temp, { force: true });
    },
  };
}
