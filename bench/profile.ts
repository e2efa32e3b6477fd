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
  /** microseconds on the monotonic clock (the one process.hrtime reads, in every process on this machine) */
  startTime: number;
  timeDeltas: number[];
}

/** A measured load: when it ran (microseconds on the monotonic clock) and how many requests it made. */
export interface LoadWindow {
  name: string;
  fromUs: number;
  toUs: number;
  requests: number;
}

/** Busy time per request in one window, in microseconds: in all and by layer. */
export interface Ledger {
  name: string;
  perRequestUs: number;
  layers: Map<string, number>;
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
    'page assembly (module page skeleton and slots, layout splice, matrix rows)',
    (f) => /dist\/src\/(modules\/module-page|web\/render|web\/views|cohorts\/matrix\.view)\./.test(f.url),
  ],
  [
    'database (SQLite or pg)',
    // the floor's two reads are functions named db… (a native call's time shows on the frame that made it)
    (f) =>
      /dist\/src\/db\/|better-sqlite3|node_modules\/pg/.test(f.url) ||
      (/dist\/bench\/floor\./.test(f.url) && /^db[A-Z]/.test(f.functionName)),
  ],
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

const newestProfile = (dir: string): string =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];

/** Each busy sample's layer and how long it stood for (until the next sample), with when it was taken. */
function busySamples(profile: CpuProfile): { atUs: number; us: number; layer: string }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = [];
  let atUs = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    atUs += profile.timeDeltas[i] ?? 0;
    const sample = profile.samples[i];
    const leaf = byId.get(sample)!.callFrame.functionName;
    if (leaf === '(idle)' || leaf === '(program)') continue;
    let layer = leaf === '(garbage collector)' ? 'garbage collection' : 'other';
    for (let id: number | undefined = sample; id !== undefined && layer === 'other'; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      layer = LAYERS.find(([, test]) => test(frame))?.[0] ?? 'other';
    }
    samples.push({ atUs, us: profile.timeDeltas[i + 1] ?? 0, layer });
  }
  return samples;
}

/**
 * Where a process's busy time went, read from the newest `.cpuprofile` in `dir`: shares (0–1) by layer over the whole
 * run, and for each measured load window, the busy microseconds per request, in all and by layer.
 */
export function summariseProfile(
  dir: string,
  windows: LoadWindow[] = [],
): { file: string; busySamples: number; layers: [string, number][]; ledgers: Ledger[] } {
  const file = newestProfile(dir);
  const samples = busySamples(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  const tally = new Map<string, number>();
  for (const { layer } of samples) tally.set(layer, (tally.get(layer) ?? 0) + 1);
  const layers = [...tally]
    .map(([k, n]): [string, number] => [k, n / samples.length])
    .sort((a, b) => b[1] - a[1]);
  const ledgers = windows.map((w): Ledger => {
    const byLayer = new Map<string, number>();
    let busyUs = 0;
    for (const s of samples) {
      if (s.atUs < w.fromUs || s.atUs > w.toUs) continue;
      busyUs += s.us;
      byLayer.set(s.layer, (byLayer.get(s.layer) ?? 0) + s.us);
    }
    const per = Math.max(1, w.requests);
    for (const [k, us] of byLayer) byLayer.set(k, us / per);
    return { name: w.name, perRequestUs: busyUs / per, layers: byLayer };
  });
  return { file, busySamples: samples.length, layers, ledgers };
}
