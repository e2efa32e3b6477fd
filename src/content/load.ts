import fs from 'node:fs';
import path from 'node:path';
import { compilePack, type FileMap } from './compile';
import { formatError, type Pack } from './types';

/** Reads a content folder into a file map (posix paths relative to the folder). Symlinks are skipped. */
export function readContentDir(dir: string): FileMap {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relPath);
      else if (entry.isFile() && (entry.name.endsWith('.md') || entry.name === 'pack.yaml')) {
        files.set(relPath, fs.readFileSync(path.join(dir, relPath), 'utf8'));
      }
    }
  };
  walk('');
  return files;
}

export class PackInvalidError extends Error {}

/** Compiles a folder or throws with every problem listed. */
export function loadPack(dir: string): Pack {
  if (!fs.existsSync(dir)) throw new PackInvalidError(`Content folder not found: ${dir}`);
  const result = compilePack(readContentDir(dir));
  if (!result.ok) {
    throw new PackInvalidError(`The pack in ${dir} has errors:\n${result.errors.map(formatError).join('\n')}`);
  }
  return result.pack;
}
