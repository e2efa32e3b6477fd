import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { compilePack } from '../src/content/compile';
import { readContentDir } from '../src/content/load';
import type { Pack } from '../src/content/types';
import { buildPackage, type PackageFormat } from '../src/exports/packages';
import { ROOT } from './harness';

/**
 * What the package browser tests share: the built-in pack's package unzipped into a temporary folder (nothing else of
 * Packway runs), and a tiny static server for it with room for a stand-in LMS's own routes.
 */

export function builtInPack(): Pack {
  const result = compilePack(readContentDir(path.join(ROOT, 'content')));
  if (!result.ok) throw new Error('the built-in pack does not compile');
  return result.pack;
}

/** The package's files written into a fresh temporary folder. */
export function writePackage(pack: Pack, format: PackageFormat): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `packway-${format}-`));
  const meta = {
    packTitle: pack.title,
    packVersion: pack.version,
    variant: null,
    organisationName: 'Test Council',
  };
  for (const f of buildPackage(pack, meta, format)) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.data);
  }
  return dir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.svg': 'image/svg+xml',
};

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => boolean;

export interface StaticServer {
  url: string;
  /** Every path asked for, to show nothing outside the package and the LMS was requested. */
  requested: string[];
  close(): Promise<void>;
}

/** Serves `/pkg/…` from the package folder, `/scorm-again/…` from its browser build; anything else goes to `handle`. */
export async function serve(pkgDir: string, handle: Handler): Promise<StaticServer> {
  const requested: string[] = [];
  const dist = path.join(ROOT, 'node_modules', 'scorm-again', 'dist');
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requested.push(url.pathname);
      const file = url.pathname.startsWith('/pkg/')
        ? path.join(pkgDir, decodeURIComponent(url.pathname.slice(5)))
        : url.pathname.startsWith('/scorm-again/')
          ? path.join(dist, path.basename(url.pathname))
          : null;
      if (file) {
        if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
        // the strictest policy a learning system may serve a package under: nothing inline, nothing from elsewhere
        const csp =
          "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'";
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'content-security-policy': csp,
        });
        return void res.end(fs.readFileSync(file));
      }
      if (!handle(req, res, body)) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
