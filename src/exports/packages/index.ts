import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import type { Pack } from '../../content/types';
import type { ExportMeta } from '../meta';
import { cmi5CourseStructure, scorm12Manifest, scorm2004Manifest, type ManifestInput } from './manifests';
import { contentsPage, modulePage, modulePath, type PackageFormat } from './pages';
import { selectScope, type PackageScope } from './scope';

export { PackageScopeError, selectScope, type PackageScope } from './scope';

export type { PackageFormat } from './pages';
export const PACKAGE_FORMATS: readonly PackageFormat[] = ['scorm12', 'scorm2004', 'cmi5'];

export interface PackageFile {
  path: string;
  data: Buffer | string;
}

/** The repository's root (where package.json is), from src/ or from the compiled dist/src/. */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

interface Asset {
  path: string;
  data: Buffer;
}

let assetsCache: Asset[] | null = null;

/**
 * The files every module page uses, read once: GOV.UK Frontend's styles with its fonts (its `url(/assets/…)` made
 * relative, so nothing is asked of a server), the app's own styles and the runtime that talks to the learning system.
 */
function sharedAssets(): Asset[] {
  if (assetsCache) return assetsCache;
  const root = repoRoot();
  const govuk = path.join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
  const css = fs
    .readFileSync(path.join(govuk, 'govuk-frontend.min.css'), 'utf8')
    .replace(/url\(\/assets\//g, 'url(');
  const fonts = fs.readdirSync(path.join(govuk, 'assets', 'fonts')).sort();
  assetsCache = [
    { path: 'assets/govuk-frontend.min.css', data: Buffer.from(css) },
    ...fonts.map((f) => ({
      path: `assets/fonts/${f}`,
      data: fs.readFileSync(path.join(govuk, 'assets', 'fonts', f)),
    })),
    // the crest the styles name, and the favicon the pages name (a browser asks the server for /favicon.ico otherwise)
    ...['govuk-crest.svg', 'favicon.svg'].map((f) => ({
      path: `assets/images/${f}`,
      data: fs.readFileSync(path.join(govuk, 'assets', 'images', f)),
    })),
    { path: 'assets/app.css', data: fs.readFileSync(path.join(root, 'public', 'css', 'app.css')) },
    {
      path: 'assets/package-runtime.js',
      data: fs.readFileSync(path.join(root, 'public', 'js', 'package-runtime.js')),
    },
  ];
  return assetsCache;
}

/** The package's files: its manifest, the contents page, one page per module and the shared assets. */
export function buildPackage(
  pack: Pack,
  meta: ExportMeta,
  format: PackageFormat,
  scope: PackageScope = {},
): PackageFile[] {
  const { sections, title } = selectScope(pack, scope);
  const modules = sections.flatMap((s) => s.modules);
  const assets = sharedAssets();
  const input: ManifestInput = {
    pack,
    meta,
    modules,
    shared: ['index.html', ...assets.map((a) => a.path)],
    scopeTitle: title,
  };
  const manifest =
    format === 'cmi5'
      ? { path: 'cmi5.xml', data: cmi5CourseStructure(input) }
      : {
          path: 'imsmanifest.xml',
          data: format === 'scorm12' ? scorm12Manifest(input) : scorm2004Manifest(input),
        };
  return [
    manifest,
    { path: 'index.html', data: contentsPage(meta, sections) },
    ...modules.map((m) => ({ path: modulePath(m), data: modulePage(pack, meta, m, format) })),
    ...assets,
  ];
}

/**
 * Builds the package and writes its zip to `file`: the shape of the export worker's builders (issue 29's pipeline
 * builds off the request thread and caches per pack version). Progress is two steps, the pages and the zip: the whole
 * build of the built-in pack takes tens of milliseconds.
 */
export async function writePackageZip(
  pack: Pack,
  meta: ExportMeta,
  format: PackageFormat,
  scope: PackageScope,
  file: string,
  progress: (done: number, total: number) => void = () => {},
): Promise<{ files: number; bytes: number }> {
  progress(0, 2);
  const files = buildPackage(pack, meta, format, scope);
  progress(1, 2);
  const zip = await zipPackage(files);
  await fs.promises.writeFile(file, zip);
  progress(2, 2);
  return { files: files.length, bytes: zip.length };
}

/** The package as a zip with the manifest at its root, as every learning system's import expects. */
export function zipPackage(files: readonly PackageFile[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  // a fixed date: the same pack version gives the same bytes, whenever it is built
  const mtime = new Date(Date.UTC(2020, 0, 1));
  for (const f of files)
    zip.addBuffer(typeof f.data === 'string' ? Buffer.from(f.data) : f.data, f.path, { mtime });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
