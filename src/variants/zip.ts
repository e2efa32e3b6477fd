import yauzl from 'yauzl';
import type { ErrorDetail } from '../shared/errors';

export const ZIP_LIMITS = {
  maxEntries: 500,
  maxTotalUncompressed: 20 * 1024 * 1024,
  maxEntryUncompressed: 2 * 1024 * 1024,
  maxRatio: 100,
};

export interface ZipReadResult {
  files: Map<string, string>;
  problems: ErrorDetail[];
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function problem(name: string, message: string): ErrorDetail {
  return { field: 'file', message: `${name}: ${message}` };
}

/** Rejects names that could escape the content folder before anything is inflated. */
export function unsafeName(name: string): string | undefined {
  if (name.includes('\\')) return 'backslashes are not allowed in names';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'absolute paths are not allowed';
  if (name.split('/').some((part) => part === '..')) return 'paths with .. are not allowed';
  if (name.includes('\0')) return 'invalid name';
  return undefined;
}

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, decodeStrings: true },
      (err, zip) => (err || !zip ? reject(err ?? new Error('not a zip')) : resolve(zip)),
    );
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('unreadable entry'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > ZIP_LIMITS.maxEntryUncompressed) stream.destroy(new Error('entry larger than declared'));
        else chunks.push(c);
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  });
}

/** yauzl itself refuses unsafe names while listing; say so in the same words as our own checks. */
function describeZipError(message: string): string {
  const name = message.split(': ').slice(1).join(': ');
  if (message.startsWith('invalid relative path')) return `${name}: paths with .. are not allowed`;
  if (message.startsWith('absolute path')) return `${name}: absolute paths are not allowed`;
  if (message.startsWith('invalid characters')) return `${name}: backslashes are not allowed in names`;
  return `the zip is damaged (${message})`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a zip held in memory. Every entry is checked from the central directory first (names, symlinks, count,
 * declared sizes, compression ratio), so a zip bomb is refused without inflating a byte. Only then are the
 * entries read, each capped at its declared size.
 */
export async function readZip(
  buffer: Buffer,
  layout: (names: string[]) => (name: string) => string | undefined,
): Promise<ZipReadResult> {
  const problems: ErrorDetail[] = [];
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buffer);
  } catch (err) {
    return {
      files: new Map(),
      problems: [{ field: 'file', message: `not a valid zip file (${(err as Error).message})` }],
    };
  }
  const entries: yauzl.Entry[] = [];
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push(entry);
        if (entries.length > ZIP_LIMITS.maxEntries) {
          problems.push({ field: 'file', message: `more than ${ZIP_LIMITS.maxEntries} entries` });
          zip.close();
          return resolve();
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
  } catch (err) {
    return {
      files: new Map(),
      problems: [{ field: 'file', message: describeZipError((err as Error).message) }],
    };
  }
  if (problems.length) return { files: new Map(), problems };

  const wanted: { entry: yauzl.Entry; path: string }[] = [];
  const acceptName = layout(entries.filter((e) => !e.fileName.endsWith('/')).map((e) => e.fileName));
  for (const entry of entries) {
    const name = entry.fileName;
    const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
    const bad = unsafeName(name);
    if (bad) problems.push(problem(name, bad));
    else if (mode === S_IFLNK) problems.push(problem(name, 'symbolic links are not allowed'));
    else if (name.endsWith('/')) continue;
    else {
      total += entry.uncompressedSize;
      const ratio =
        entry.compressedSize > 0
          ? entry.uncompressedSize / entry.compressedSize
          : entry.uncompressedSize > 0
            ? Infinity
            : 0;
      if (entry.uncompressedSize > ZIP_LIMITS.maxEntryUncompressed)
        problems.push(
          problem(name, `larger than ${ZIP_LIMITS.maxEntryUncompressed / 1024 / 1024} MiB uncompressed`),
        );
      else if (ratio > ZIP_LIMITS.maxRatio && entry.uncompressedSize > 64 * 1024)
        problems.push(
          problem(
            name,
            `compression ratio ${Math.round(ratio)}:1 is over the limit of ${ZIP_LIMITS.maxRatio}:1`,
          ),
        );
      const path = acceptName(name);
      if (path === undefined)
        problems.push(problem(name, 'not part of the pack layout (pack.yaml, or SECTION-FOLDER/NAME.md)'));
      else wanted.push({ entry, path });
    }
  }
  if (total > ZIP_LIMITS.maxTotalUncompressed)
    problems.push({
      field: 'file',
      message: `more than ${ZIP_LIMITS.maxTotalUncompressed / 1024 / 1024} MiB uncompressed in all`,
    });
  if (problems.length) {
    zip.close();
    return { files: new Map(), problems };
  }
  const files = new Map<string, string>();
  try {
    for (const { entry, path } of wanted) {
      const bytes = await readEntry(zip, entry);
      try {
        files.set(path, utf8.decode(bytes));
      } catch {
        problems.push(problem(entry.fileName, 'is not UTF-8 text'));
      }
    }
  } catch (err) {
    problems.push({ field: 'file', message: `the zip could not be read (${(err as Error).message})` });
  } finally {
    zip.close();
  }
  return { files, problems };
}
