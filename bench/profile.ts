import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/**
 * Where the server's busy time went, by layer. Each sample counts for the first frame, from the leaf up, that belongs to
 * a layer we own or chose; idle time is left out. Templates compiled by EJS have no file name of their own.
 */
const LAYERS: [string, (frame: ProfileNode['callFrame']) => boolean][] = [
  [
    'EJS templates',
    (f) => /node_modules\/ejs\//.test(f.url) || (f.url === '' && f.functionName === 'anonymous'),
  ],
  [
    'pages made in code (module page, home, layout, matrix rows)',
    (f) =>
      /dist\/src\/(modules\/module-page|pages\/home-page|web\/render|cohorts\/matrix\.view)\./.test(f.url),
  ],
  ['database (SQLite or pg)', (f) => /dist\/src\/db\/|better-sqlite3|node_modules\/pg/.test(f.url)],
  [
    'request log and metrics (pino, prom-client)',
    (f) => /pino|prom-client|request-log|ops\/metrics/.test(f.url),
  ],
  [
    'session, CSRF, security headers',
    (f) => /middleware\/(session|security-headers)|helmet|node:internal\/crypto/.test(f.url),
  ],
  // the escaper and view helpers count for whatever called them (a template, a page made in code)
  [
    'our services and routes',
    (f) => /dist\/src\//.test(f.url) && !/dist\/src\/(shared\/html|web\/view-helpers)\./.test(f.url),
  ],
  [
    'Express and router',
    (f) => /node_modules\/(express|router|path-to-regexp|parseurl|body-parser|qs)\//.test(f.url),
  ],
  ['node:http and sockets', (f) => /node:(_http|net|stream|internal\/stream|buffer|events)/.test(f.url)],
];

/** Shares of busy time (0–1) by layer, read from the newest `.cpuprofile` in `dir`. */
export function summariseProfile(dir: string): {
  file: string;
  busySamples: number;
  layers: [string, number][];
} {
  const newest = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const profile = JSON.parse(fs.readFileSync(newest, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const tally = new Map<string, number>();
  let busy = 0;
  for (const sample of profile.samples) {
    const leaf = byId.get(sample)!.callFrame.functionName;
    if (leaf === '(idle)' || leaf === '(program)') continue;
    busy++;
    let layer = leaf === '(garbage collector)' ? 'garbage collection' : 'other';
    for (let id: number | undefined = sample; id !== undefined && layer === 'other'; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      layer = LAYERS.find(([, test]) => test(frame))?.[0] ?? 'other';
    }
    tally.set(layer, (tally.get(layer) ?? 0) + 1);
  }
  const layers = [...tally].map(([k, n]): [string, number] => [k, n / busy]).sort((a, b) => b[1] - a[1]);
  return { file: newest, busySamples: busy, layers };
}
