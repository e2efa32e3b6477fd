import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/open';
import type { Database } from '../src/db/ports';
import { loadPack } from '../src/content/load';
import { hashPassword } from '../src/auth/password';
import { freePort } from '../src/ops/free-port';
import type { Pack } from '../src/content/types';
import { summariseProfile, type Ledger, type LoadWindow } from './profile';
import { seedOrganisation, type SeedCounts } from './seed.repo';
import { variantZip, writeGeneratedPack } from './packs';

/**
 * npm run bench [-- --quick] [-- --engine sqlite|postgres|both] [-- --pool-size N] [-- --content DIR]
 *   [-- --duration SECONDS] [-- --warmup SECONDS] [-- --only page,api,…] [-- --profile DIR] [-- --keep DIR]
 * Seeds a large organisation (in a SQLite file, or in a throwaway PostgreSQL cluster with --engine postgres; both one
 * after the other with --engine both), starts the real server, Node's bare http server answering the module page's bytes (the
 * ceiling) and a minimal Express 5 + EJS + better-sqlite3 server rendering a layout around the same bytes (the stack
 * floor, bench/floor.ts) in the same run, loads each in turn with wrk (a native load generator in its own process)
 * and prints throughput, latency and every throughput as a share of the ceiling and of the floor.
 */

const ROOT = path.join(__dirname, '..', '..');

/**
 * The node options `npm start` gives the server (its script in package.json is the one place they are written): the
 * bench measures the server as it is run. Fails rather than measure something else if the script changes shape.
 */
function startNodeFlags(): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /(?:^|&& )node((?: --[\w-]+(?:=\S+)?)*) dist\/src\/server\.js$/.exec(scripts.start);
  if (!match) throw new Error(`cannot read the node options of the start script: ${scripts.start}`);
  return match[1].split(' ').filter(Boolean);
}
const PASSWORD = 'bench-password-long-enough';

interface Options {
  quick: boolean;
  durationSeconds: number;
  contentDir: string;
  /** --profile DIR: the server writes a V8 CPU profile there (node --cpu-prof) */
  profileDir?: string;
  /** --keep DIR: the seeded SQLite database is copied there at the end, to read its query plans */
  keepDir?: string;
  warmupSeconds: number;
  /** --only page,writes: run only these scenarios (page, api, writes, matrix, matrix8, home, tpack) */
  only?: string[];
  /** --engine sqlite (the default), postgres or both (SQLite first, then PostgreSQL) */
  engines: EngineName[];
  /** --pool-size N: the server's PostgreSQL connections (DB_POOL_SIZE; 10 unless set) */
  poolSize: number;
}

type EngineName = 'sqlite' | 'postgres';
const ENGINE_LABEL: Record<EngineName, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const valueOf = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const engine = valueOf('--engine') ?? 'sqlite';
  const engines: Record<string, EngineName[]> = {
    sqlite: ['sqlite'],
    postgres: ['postgres'],
    both: ['sqlite', 'postgres'],
  };
  if (!engines[engine]) throw new Error(`--engine ${engine}: expected sqlite, postgres or both`);
  const poolSize = Number(valueOf('--pool-size') ?? process.env.DB_POOL_SIZE ?? 10);
  if (!Number.isInteger(poolSize) || poolSize < 1)
    throw new Error(`--pool-size ${poolSize}: expected a positive integer`);
  return {
    engines: engines[engine],
    poolSize,
    quick,
    durationSeconds: Number(valueOf('--duration') ?? (quick ? 1 : 10)),
    warmupSeconds: Number(valueOf('--warmup') ?? (quick ? 0 : 2)),
    contentDir: path.resolve(valueOf('--content') ?? process.env.CONTENT_DIR ?? path.join(ROOT, 'content')),
    profileDir: valueOf('--profile') && path.resolve(valueOf('--profile')!),
    keepDir: valueOf('--keep') && path.resolve(valueOf('--keep')!),
    only: valueOf('--only')?.split(','),
  };
}

interface LoadFigures {
  name: string;
  /** the scenario's key in the plan (page, api, writes, matrix, matrix8, home) */
  key?: string;
  /** the database the server ran on (scenarios only; the ceiling and the floor have none) */
  engine?: EngineName;
  connections: number;
  threads: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  bytesPerResponse: number;
  /** responses with status >= 400 (wrk's count; a 3xx is caught by the request made before each run) */
  non2xx: number;
  /** connect, read, write errors and timeouts (5 s) */
  socketErrors: number;
  errors: number;
  /** requests per second as a share of the bare node:http ceiling's */
  ofCeiling?: number;
  /** requests per second as a share of the stack floor's (Express 5 + EJS + better-sqlite3) */
  ofFloor?: number;
  /** peak resident memory of the server during the scenario */
  rssMb?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Milliseconds from spawn until /healthz answers 200. */
async function waitForHealth(baseUrl: string, startedAt: number, child: ChildProcess): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    if (performance.now() - startedAt > 30_000) throw new Error('server did not answer /healthz within 30 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

async function signInWithPage(baseUrl: string, email: string): Promise<string> {
  const loginPage = await fetch(`${baseUrl}/login`);
  const anon = loginPage.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on /login');
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: anon },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString(),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('packway_session='));
  if (res.status !== 303 || !session) throw new Error(`sign-in as ${email} failed: ${res.status}`);
  return session.split(';')[0];
}

async function apiToken(baseUrl: string, email: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`token for ${email} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** wrk on PATH, installed with apt-get when missing and this process runs as root (as in CI). */
function ensureWrk(): void {
  const found = () => spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0;
  if (found()) return;
  if (process.getuid?.() === 0) {
    console.log('wrk is missing: installing it with apt-get');
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'ignore' }).status === 0;
    if (!install()) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
      install();
    }
  }
  if (!found()) throw new Error('the benchmark needs wrk on PATH (Debian: apt-get install wrk)');
}

/** A request for wrk: headers on every request, or a function of a per-thread counter for varied PUTs. */
interface LoadRequest {
  headers?: Record<string, string>;
  /** PUT requests cycling over these paths, bearer tokens and bodies (the n-th request takes item n of each) */
  writes?: { paths: string[]; tokens: string[]; bodies: string[] };
}

const luaString = (s: string) => JSON.stringify(s); // a JSON string of printable ASCII is a valid Lua string literal
const luaList = (items: string[]) => `{ ${items.map(luaString).join(', ')} }`;

/** The Lua script for one wrk run: headers or varied PUTs, and a done() that prints the figures as one JSON line. */
function wrkScript(request: LoadRequest): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {}))
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (request.writes) {
    const { paths, tokens, bodies } = request.writes;
    lines.push(
      `local paths = ${luaList(paths)}`,
      `local tokens = ${luaList(tokens)}`,
      `local bodies = ${luaList(bodies)}`,
      'local threads, n = 0, 0',
      'function setup(thread) thread:set("first", threads * 100003); threads = threads + 1 end',
      'function init(args) n = first or 0 end',
      'function request()',
      '  n = n + 1',
      '  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[n % #tokens + 1] }',
      '  return wrk.format("PUT", paths[n % #paths + 1], headers, bodies[n % #bodies + 1])',
      'end',
    );
  }
  lines.push(
    'function done(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%f}\\n\',',
    '    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

interface WrkJson {
  requests: number;
  durationUs: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
}

let scriptCounter = 0;
/** seconds of unmeasured load before each measured run (--warmup; 2 s, none in a --quick run) */
let warmupSeconds = 0;

/**
 * Loads one URL with wrk (a separate native process: the load generator is never the bottleneck of the server it
 * measures): min(2, connections) threads, the given connections, a fixed duration.
 */
async function load(
  name: string,
  url: string,
  connections: number,
  seconds: number,
  scriptDir: string,
  request: LoadRequest = {},
): Promise<LoadFigures> {
  // wrk counts status >= 400 as errors but not 3xx: one request first, so a redirect to sign-in cannot pass as a page
  const first = request.writes
    ? undefined
    : await fetch(url, { headers: request.headers, redirect: 'manual' }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
  if (first !== undefined && (first < 200 || first > 299))
    throw new Error(`${name}: ${url} answered ${first}`);
  const script = path.join(scriptDir, `load-${++scriptCounter}.lua`);
  fs.writeFileSync(script, wrkScript(request));
  const threads = Math.min(2, connections);
  const wrk = (duration: number) => {
    const args = ['-t', String(threads), '-c', String(connections), '-d', `${duration}s`, '--timeout', '5s'];
    return new Promise<{ stdout: string; code: number | null; args: string[] }>((resolve, reject) => {
      const child = spawn('wrk', [...args, '-s', script, url], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += String(d)));
      child.once('error', reject);
      child.once('close', (c) => resolve({ stdout: out, code: c, args }));
    });
  };
  // a warm-up at the same load, not counted: every server is measured after its JIT and caches have settled
  if (warmupSeconds > 0) await wrk(warmupSeconds);
  const fromUs = nowUs();
  const { stdout, code, args } = await wrk(seconds);
  const toUs = nowUs();
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (code !== 0 || !line) throw new Error(`wrk ${args.join(' ')} ${url} failed (${code}):\n${stdout}`);
  const w = JSON.parse(line.slice('WRK_JSON '.length)) as WrkJson;
  const figures: LoadFigures = {
    name,
    connections,
    threads,
    requestsPerSecond: Math.round(w.requests / (w.durationUs / 1e6)),
    p50Ms: w.p50Us / 1000,
    p90Ms: w.p90Us / 1000,
    p99Ms: w.p99Us / 1000,
    maxMs: w.maxUs / 1000,
    requests: w.requests,
    bytesPerResponse: w.requests ? Math.round(w.bytes / w.requests) : 0,
    non2xx: w.status,
    socketErrors: w.connect + w.read + w.write + w.timeout,
    errors: w.status + w.connect + w.read + w.write + w.timeout,
  };
  measuredWindows.set(figures, { name, fromUs, toUs, requests: w.requests });
  return figures;
}

/** Microseconds on the monotonic clock, the one V8's CPU profiles are timed by. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** When each load's measured run (not its warm-up) ran: to read its share of a CPU profile. */
const measuredWindows = new WeakMap<LoadFigures, LoadWindow>();

function pickModule(pack: Pack): string {
  const caseStudy = pack.sections.find((s) => s.kind === 'case-study')?.modules[0];
  return (caseStudy ?? [...pack.modules.values()][0]).id;
}

function startChild(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
  stdout: 'pipe' | number = 'pipe',
): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, script, ...args], {
    env,
    stdio: ['ignore', stdout, 'inherit'],
  });
}

/** Starts bench/ceiling.js or bench/floor.js, which print the port they listen on. */
async function startHelper(
  script: 'ceiling' | 'floor',
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  nodeFlags: string[] = [],
): Promise<{ child: ChildProcess; port: number }> {
  const child = startChild(path.join(__dirname, `${script}.js`), args, env, nodeFlags);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`${script} server exited (${code})`)));
  });
  return { child, port };
}

/** Copies the seeded SQLite file out of the run's scratch folder (removed at the end) for a look at its plans. */
function keepDatabase(dataDir: string, keepDir: string): void {
  fs.mkdirSync(keepDir, { recursive: true });
  fs.copyFileSync(path.join(dataDir, 'packway.db'), path.join(keepDir, 'packway.db'));
  console.log(`kept the seeded database in ${path.join(keepDir, 'packway.db')}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

async function uploadVariant(
  baseUrl: string,
  token: string,
  zip: Buffer,
  name: string,
): Promise<{ ms: number; status: number }> {
  const form = new FormData();
  form.set('name', name);
  form.set('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'variant.zip');
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/v1/variants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined ? '' : n.toFixed(digits);
}

interface Target {
  name: string;
  measured: number;
  limit: number;
  unit: string;
  atMost: boolean;
}

interface Scale {
  learners: number;
  trainers: number;
  cohorts: number;
  largestCohort: number;
  generatedModules: number;
  variantBytes: number;
}

/** A throwaway PostgreSQL cluster (test/helpers/pg-cluster.js, CommonJS, required at run time from dist/bench). */
interface Cluster {
  url: string;
  stop(): void;
}

function startCluster(): Promise<Cluster> {
  const helper = path.join(ROOT, 'test', 'helpers', 'pg-cluster.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startCluster: start } = require(helper) as { startCluster: () => Promise<Cluster> };
  return start();
}

/** The URL of another database on the same cluster. */
function databaseUrl(clusterUrl: string, name: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Opens a database (the bench's own connection, not the server's), runs `work` and closes it. */
async function withDatabase<T>(
  settings: { databaseUrl?: string; dataDir: string },
  work: (db: Database) => Promise<T>,
): Promise<T> {
  // seeding needs no per-commit flush: the server opens the file again with its own settings
  const db = openDatabase({ ...settings, poolSize: 2, synchronous: 'NORMAL' });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Migrates a fresh database and seeds the organisation; returns the counts and the seconds taken. */
async function migrateAndSeed(
  settings: { databaseUrl?: string; dataDir: string },
  plan: Parameters<typeof seedOrganisation>[1],
): Promise<{ counts: SeedCounts; seconds: number }> {
  return withDatabase(settings, async (db) => {
    await db.migrate();
    const started = performance.now();
    const counts = await seedOrganisation(db, plan);
    return { counts, seconds: (performance.now() - started) / 1000 };
  });
}

/**
 * Copies the sessions of a PostgreSQL database into a SQLite file seeded with the same organisation, so the stack
 * floor (which reads a SQLite file) finds the session of the cookie the PostgreSQL server issued.
 */
async function copySessions(fromUrl: string, sqliteDir: string): Promise<number> {
  const sessions = await withDatabase({ databaseUrl: fromUrl, dataDir: sqliteDir }, (pg) =>
    pg.all<Record<string, unknown>>(
      'SELECT s.*, u.email_norm AS user_email FROM sessions s JOIN users u ON u.id = s.user_id',
    ),
  );
  return withDatabase({ dataDir: sqliteDir }, (lite) =>
    lite.transaction(async () => {
      for (const { user_email: email, ...session } of sessions) {
        const user = await lite.get<{ id: number }>('SELECT id FROM users WHERE email_norm = ?', [email]);
        if (!user) throw new Error(`the SQLite copy has no user ${String(email)}`);
        const columns = Object.keys(session);
        await lite.run(
          `INSERT INTO sessions (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          columns.map((c) => (c === 'user_id' ? user.id : session[c])),
        );
      }
      return sessions.length;
    }),
  );
}

/** What one engine's run measured. */
/** One trainer's pack build of the built-in pack, through HTTP as a trainer, on a server that has none cached. */
interface TrainerPackFigures {
  /** from the first request to the status endpoint answering `ready` */
  coldMs: number;
  /** the download once it is cached */
  warmMs: number;
  bytes: number;
  files: number;
  /** the server's own count, from its log line `export built` (worker start to file renamed into the cache) */
  serverMs?: number;
  /** the worker's largest V8 heap in use, from the same log line */
  workerHeapPeakMb?: number;
  /** the server process's resident memory before the build and at its peak during it */
  rssBeforeMb: number;
  rssPeakMb: number;
  /** /healthz asked every 50 ms during the build */
  healthz: { polls: number; p50Ms: number; maxMs: number; failed: number };
}

async function measureTrainerPack(
  baseUrl: string,
  cookie: string,
  pid: number,
  logFile: string,
): Promise<TrainerPackFigures> {
  const headers = { cookie, accept: 'application/json' };
  const rssBeforeMb = memoryKb(pid, 'VmRSS') / 1024;
  let rssPeakKb = 0;
  const sampler = setInterval(() => (rssPeakKb = Math.max(rssPeakKb, memoryKb(pid, 'VmRSS'))), 100);
  let building = true;
  const latencies: number[] = [];
  let failed = 0;
  const healthz = (async () => {
    while (building) {
      const started = performance.now();
      const res = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.status === 200) latencies.push(performance.now() - started);
      else failed++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const started = performance.now();
  let status: { status: string; total: number; bytes?: number };
  try {
    for (;;) {
      const res = await fetch(`${baseUrl}/api/v1/packs/builtin/trainer-pack`, { headers });
      if (!res.ok) throw new Error(`trainer's pack status answered ${res.status}`);
      status = (await res.json()) as typeof status;
      if (status.status !== 'building') break;
      if (performance.now() - started > 300_000) throw new Error("the trainer's pack took over 5 minutes");
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    building = false;
    clearInterval(sampler);
    await healthz;
  }
  const coldMs = performance.now() - started;
  if (status.status !== 'ready') throw new Error(`the trainer's pack build ended ${status.status}`);
  const warm = performance.now();
  const zip = await fetch(`${baseUrl}/packs/builtin/trainer-pack.zip`, { headers: { cookie } });
  const bytes = (await zip.arrayBuffer()).byteLength;
  const warmMs = performance.now() - warm;
  if (zip.status !== 200) throw new Error(`the trainer's pack download answered ${zip.status}`);
  const logged = fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"export built"'))
    .map((line) => JSON.parse(line) as { ms?: number; heapPeakMb?: number })
    .at(-1);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    coldMs,
    warmMs,
    bytes,
    files: status.total,
    serverMs: logged?.ms,
    workerHeapPeakMb: logged?.heapPeakMb,
    rssBeforeMb,
    rssPeakMb: rssPeakKb / 1024,
    healthz: {
      polls: latencies.length,
      p50Ms: sorted[Math.floor(sorted.length / 2)] ?? NaN,
      maxMs: sorted.at(-1) ?? NaN,
      failed,
    },
  };
}

interface EngineRun {
  engine: EngineName;
  seed: SeedCounts & { seconds: number };
  coldStartMs: number;
  scenarios: LoadFigures[];
  uploads: { ms: number; status: number }[];
  uploadMs: number;
  uploadFailed: number;
  variantBytes: number;
  loadPeakMb: number;
  serverPeakKb: number;
  /** the trainer's pack of the built-in pack, built once (unless --only leaves out `tpack`) */
  trainerPack?: TrainerPackFigures;
  targets: Target[];
}

/** The ceiling and the stack floor, measured once (with the first engine's server, for its module page's bytes). */
interface References {
  ceiling: LoadFigures;
  floor: LoadFigures;
  pageBytes: number;
}

interface RunContext {
  options: Options;
  scale: Scale;
  pack: Pack;
  work: string;
  children: ChildProcess[];
  seedPlan: Parameters<typeof seedOrganisation>[1];
  /** set once a PostgreSQL cluster has been started: stopped at the end, also on error */
  cluster?: Cluster;
  /** with --profile: the floor's CPU per request, by layer, beside which the server's is printed */
  floorLedger?: Ledger;
  compile: { builtin: number; generated: number };
}

const C = 32;

/** Seeds a fresh database on `engine`, starts the server on it, measures every scenario (and the references, once). */
async function measureEngine(
  engine: EngineName,
  ctx: RunContext,
  withReferences: boolean,
): Promise<{ run: EngineRun; references?: References }> {
  const { options, scale, pack, work, children } = ctx;
  const label = ENGINE_LABEL[engine];
  const dataDir = path.join(work, `data-${engine}`);
  fs.mkdirSync(dataDir);

  // Seed the organisation.
  let databaseUrlForServer: string | undefined;
  if (engine === 'postgres') {
    ctx.cluster ??= await startCluster();
    const cluster = ctx.cluster;
    await withDatabase({ databaseUrl: cluster.url, dataDir }, (admin) =>
      admin.exec('CREATE DATABASE packway_bench'),
    );
    databaseUrlForServer = databaseUrl(cluster.url, 'packway_bench');
  }
  const seeded = await migrateAndSeed({ databaseUrl: databaseUrlForServer, dataDir }, ctx.seedPlan);
  const counts = seeded.counts;
  const rows = counts.outcomeRows + counts.historyRows + counts.moduleRows + counts.events;
  console.log(
    `${label}: seeded ${counts.users} users, ${scale.cohorts} cohorts (${counts.memberships} memberships), ${rows} progress rows and events in ${fmt(seeded.seconds, 1)} s`,
  );

  // The real server, production settings.
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // the server's JSON logs go to a file, as in production (not through a pipe this process would have to drain)
  const logFd = fs.openSync(path.join(work, `server-${engine}.log`), 'a');
  const spawnedAt = performance.now();
  const server = startChild(
    path.join(ROOT, 'dist', 'src', 'server.js'),
    [],
    {
      ...process.env,
      NODE_ENV: 'production',
      PUBLIC_URL: baseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CONTENT_DIR: options.contentDir,
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      DATABASE_URL: databaseUrlForServer ?? '',
      DB_POOL_SIZE: String(options.poolSize),
    },
    [
      ...startNodeFlags(),
      ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(options.profileDir, engine)] : []),
    ],
    logFd,
  );
  children.push(server);
  let sampler: NodeJS.Timeout | undefined;
  try {
    const coldStartMs = await waitForHealth(baseUrl, spawnedAt, server);
    console.log(`${label}: cold start to /healthz: ${fmt(coldStartMs)} ms`);

    const learnerCookie = await signInWithPage(baseUrl, 'learner1@bench.example');
    const trainerCookie = await signInWithPage(baseUrl, 'trainer1@bench.example');
    const learnerToken = await apiToken(baseUrl, 'learner1@bench.example');
    const adminToken = await apiToken(baseUrl, 'admin@bench.example');
    const writerTokens = await Promise.all(
      [2, 3, 4, 5, 6, 7, 8, 9].map((n) => apiToken(baseUrl, `learner${n}@bench.example`)),
    );

    const moduleId = pickModule(pack);
    const scriptDir = path.join(work, `wrk-${engine}`);
    fs.mkdirSync(scriptDir);
    const seconds = options.durationSeconds;

    let references: References | undefined;
    if (withReferences) {
      const modulePage = await fetch(`${baseUrl}/modules/${moduleId}`, {
        headers: { cookie: learnerCookie },
      });
      if (!modulePage.ok) throw new Error(`module page answered ${modulePage.status}`);
      const pageBytes = Buffer.from(await modulePage.arrayBuffer());
      const pageFile = path.join(work, 'module-page.html');
      fs.writeFileSync(pageFile, pageBytes);
      // the floor reads a SQLite file: the server's own, or (on PostgreSQL) a SQLite copy of the organisation
      let floorDb = path.join(dataDir, 'packway.db');
      if (engine !== 'sqlite') {
        const floorDir = path.join(work, 'floor-data');
        fs.mkdirSync(floorDir);
        const copy = await migrateAndSeed({ dataDir: floorDir }, ctx.seedPlan);
        await copySessions(databaseUrlForServer!, floorDir);
        console.log(`the floor's SQLite copy of the organisation seeded in ${fmt(copy.seconds, 1)} s`);
        floorDb = path.join(floorDir, 'packway.db');
      }
      const ceiling = await startHelper('ceiling', [pageFile]);
      children.push(ceiling.child);
      const viewsDir = path.join(work, 'floor-views');
      fs.mkdirSync(viewsDir);
      const floorProfileDir = options.profileDir && path.join(options.profileDir, 'floor');
      const floor = await startHelper(
        'floor',
        [floorDb, pageFile, viewsDir],
        { ...process.env, NODE_ENV: 'production', SESSION_SECRET: 'bench-session-secret-0123456789abcdef' },
        floorProfileDir ? ['--cpu-prof', '--cpu-prof-dir', floorProfileDir] : [],
      );
      children.push(floor.child);
      const ceilingFigures = await load(
        'ceiling: bare node:http, same bytes',
        `http://127.0.0.1:${ceiling.port}/`,
        C,
        seconds,
        scriptDir,
      );
      const floorFigures = await load(
        'floor: Express 5 + EJS + better-sqlite3, same bytes',
        `http://127.0.0.1:${floor.port}/`,
        C,
        seconds,
        scriptDir,
        { headers: { cookie: learnerCookie } },
      );
      await stop(ceiling.child);
      await stop(floor.child);
      if (floorProfileDir)
        ctx.floorLedger = summariseProfile(floorProfileDir, [measuredWindows.get(floorFigures)!]).ledgers[0];
      floorFigures.ofCeiling = floorFigures.requestsPerSecond / ceilingFigures.requestsPerSecond;
      references = { ceiling: ceilingFigures, floor: floorFigures, pageBytes: pageBytes.length };
    }

    let peakRssKb = 0;
    sampler = setInterval(() => {
      peakRssKb = Math.max(peakRssKb, memoryKb(server.pid!, 'VmRSS'));
    }, 200);

    const outcomeIds = [...pack.outcomes.keys()];
    // the n-th PUT takes outcome, token and body n modulo their counts (8 tokens, 97 bodies: combinations come round)
    const writeRequest: LoadRequest = {
      writes: {
        paths: outcomeIds.map((id) => `/api/v1/me/outcomes/${id}`),
        tokens: writerTokens,
        bodies: Array.from({ length: 97 }, (_, n) =>
          JSON.stringify({
            status: n % 3 === 0 ? 'achieved' : 'in_progress',
            evidence: `Benchmark evidence ${n}`,
          }),
        ),
      },
    };
    const matrixName = `trainer's matrix page, ${scale.largestCohort} learners × ${outcomeIds.length} outcomes`;
    const plan: [string, () => Promise<LoadFigures>][] = [
      [
        'page',
        () =>
          load(
            `module page (session cookie) /modules/${moduleId}`,
            `${baseUrl}/modules/${moduleId}`,
            C,
            seconds,
            scriptDir,
            { headers: { cookie: learnerCookie } },
          ),
      ],
      [
        'api',
        () =>
          load(
            `module via API (bearer) /api/v1/modules/${moduleId}`,
            `${baseUrl}/api/v1/modules/${moduleId}`,
            C,
            seconds,
            scriptDir,
            { headers: { authorization: `Bearer ${learnerToken}` } },
          ),
      ],
      [
        'writes',
        () =>
          load(
            'record outcome status (PUT, writes)',
            `${baseUrl}/api/v1/me/outcomes/${outcomeIds[0]}`,
            C,
            seconds,
            scriptDir,
            writeRequest,
          ),
      ],
      // one trainer opens the matrix while 16 connections keep recording progress, as in a workshop
      [
        'matrix',
        async () => {
          const background = load(
            'background writes',
            `${baseUrl}/api/v1/me/outcomes/${outcomeIds[0]}`,
            16,
            seconds,
            scriptDir,
            writeRequest,
          );
          const matrix = await load(
            `${matrixName} (1 trainer, during writes)`,
            `${baseUrl}/cohorts/1`,
            1,
            seconds,
            scriptDir,
            { headers: { cookie: trainerCookie } },
          );
          matrix.errors += (await background).errors;
          return matrix;
        },
      ],
      [
        'matrix8',
        () =>
          load(`${matrixName} (8 trainers at once)`, `${baseUrl}/cohorts/1`, 8, seconds, scriptDir, {
            headers: { cookie: trainerCookie },
          }),
      ],
      [
        'home',
        () =>
          load("learner's home /", `${baseUrl}/`, C, seconds, scriptDir, {
            headers: { cookie: learnerCookie },
          }),
      ],
    ];
    const scenarios: LoadFigures[] = [];
    for (const [key, run] of plan) {
      if (options.only && !options.only.includes(key)) continue;
      const before = peakRssKb;
      peakRssKb = 0;
      const measured = await run();
      const figures = { ...measured, key, engine };
      measuredWindows.set(figures, measuredWindows.get(measured)!);
      figures.rssMb = Math.max(peakRssKb, memoryKb(server.pid!, 'VmRSS')) / 1024;
      peakRssKb = Math.max(before, peakRssKb);
      scenarios.push(figures);
    }

    // One trainer's pack build of the built-in pack (nothing is cached in a fresh DATA_DIR), /healthz asked during it.
    const trainerPack =
      !options.only || options.only.includes('tpack')
        ? await measureTrainerPack(
            baseUrl,
            trainerCookie,
            server.pid!,
            path.join(work, `server-${engine}.log`),
          )
        : undefined;
    if (trainerPack)
      console.log(
        `${label}: trainer's pack built in ${fmt(trainerPack.coldMs)} ms (${trainerPack.files} files, ${fmt(trainerPack.bytes / 1e6, 2)} MB), downloaded again in ${fmt(trainerPack.warmMs, 1)} ms; /healthz max ${fmt(trainerPack.healthz.maxMs, 1)} ms during it`,
      );

    // A large variant upload, from request to validation report.
    const caseDir = pack.sections.find((s) => s.kind === 'case-study')?.dir ?? pack.sections[0].dir;
    const zip = await variantZip(scale.variantBytes, caseDir);
    const uploads = [];
    for (let i = 0; i < (options.quick ? 1 : 3); i++)
      uploads.push(await uploadVariant(baseUrl, adminToken, zip, `Bench variant ${i + 1}`));
    const uploadFailed = uploads.filter((u) => u.status !== 201).length;
    if (uploadFailed)
      console.error(`${label}: variant upload answered ${uploads.map((u) => u.status).join(', ')}`);
    clearInterval(sampler);
    const serverPeakKb = Math.max(peakRssKb, memoryKb(server.pid!, 'VmHWM'));
    await stop(server);
    if (options.profileDir)
      printProfile(label, path.join(options.profileDir, engine), scenarios, ctx.floorLedger);
    if (options.keepDir && engine === 'sqlite') keepDatabase(dataDir, options.keepDir);

    const loadPeakMb = Math.max(0, ...scenarios.map((r) => r.rssMb ?? 0));
    const run: EngineRun = {
      engine,
      seed: { ...counts, seconds: seeded.seconds },
      coldStartMs,
      scenarios,
      uploads,
      uploadMs: median(uploads.map((u) => u.ms)),
      uploadFailed,
      variantBytes: zip.length,
      loadPeakMb,
      serverPeakKb,
      trainerPack,
      targets: [],
    };
    return { run, references };
  } finally {
    clearInterval(sampler);
    if (server.exitCode === null) await stop(server);
    fs.closeSync(logFd);
  }
}

function targetsOf(run: EngineRun, ctx: RunContext): Target[] {
  const find = (key: string) =>
    run.scenarios.find((s) => s.key === key) ?? {
      name: key,
      connections: 0,
      threads: 0,
      requestsPerSecond: 0,
      p50Ms: NaN,
      p90Ms: NaN,
      p99Ms: NaN,
      maxMs: NaN,
      requests: 0,
      bytesPerResponse: 0,
      non2xx: 0,
      socketErrors: 0,
      errors: 0,
      ofCeiling: NaN,
      ofFloor: NaN,
    };
  const page = find('page');
  const writes = find('writes');
  const matrix = find('matrix');
  const matrix8 = find('matrix8');
  const home = find('home');
  const ran = (key: string) => run.scenarios.some((s) => s.key === key);
  // a run of some scenarios (--only) judges only those
  const loadTargets: [scenario: string, target: Target][] = [
    [
      'page',
      { name: 'module page / stack floor', measured: page.ofFloor!, limit: 0.8, unit: '', atMost: false },
    ],
    ['page', { name: 'module page p99', measured: page.p99Ms, limit: 25, unit: 'ms', atMost: true }],
    [
      'writes',
      {
        name: 'writes per second',
        measured: writes.requestsPerSecond,
        limit: 2500,
        unit: '/s',
        atMost: false,
      },
    ],
    ['writes', { name: 'writes p99', measured: writes.p99Ms, limit: 30, unit: 'ms', atMost: true }],
    [
      'home',
      { name: "learner's home / stack floor", measured: home.ofFloor!, limit: 0.8, unit: '', atMost: false },
    ],
    ['matrix', { name: 'matrix page p50', measured: matrix.p50Ms, limit: 15, unit: 'ms', atMost: true }],
    [
      'matrix8',
      { name: 'matrix page, 8 trainers, p99', measured: matrix8.p99Ms, limit: 100, unit: 'ms', atMost: true },
    ],
  ];
  return [
    ...loadTargets.filter(([scenario]) => ran(scenario)).map(([, target]) => target),
    { name: 'built-in pack compile', measured: ctx.compile.builtin, limit: 300, unit: 'ms', atMost: true },
    {
      name: `${ctx.scale.generatedModules}-module pack compile`,
      measured: ctx.compile.generated,
      limit: 5000,
      unit: 'ms',
      atMost: true,
    },
    { name: 'cold start', measured: run.coldStartMs, limit: 1500, unit: 'ms', atMost: true },
    ...(run.trainerPack
      ? [
          {
            name: "trainer's pack build",
            measured: run.trainerPack.coldMs,
            limit: 30_000,
            unit: 'ms',
            atMost: true,
          },
        ]
      : []),
    { name: 'peak RSS under load', measured: run.loadPeakMb, limit: 250, unit: 'MB', atMost: true },
  ];
}

const met = (t: Target) => (t.atMost ? t.measured <= t.limit : t.measured >= t.limit);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  warmupSeconds = options.warmupSeconds;
  const scale: Scale = options.quick
    ? {
        learners: 600,
        trainers: 10,
        cohorts: 10,
        largestCohort: 100,
        generatedModules: 100,
        variantBytes: 1024 * 1024,
      }
    : {
        learners: 10_000,
        trainers: 100,
        cohorts: 200,
        largestCohort: 500,
        generatedModules: 1000,
        variantBytes: 5 * 1024 * 1024,
      };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-bench-'));
  const children: ChildProcess[] = [];
  let ctx: RunContext | undefined;
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    ctx?.cluster?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  try {
    ensureWrk();
    console.log(
      `Packway benchmark${options.quick ? ' (quick smoke run)' : ''} on ${options.engines.map((e) => ENGINE_LABEL[e]).join(' and ')}: wrk, ${options.durationSeconds} s per scenario after ${options.warmupSeconds} s of warm-up, content ${path.relative(ROOT, options.contentDir) || '.'}`,
    );

    // Compile times, in this process.
    const first = timed(() => loadPack(options.contentDir));
    const pack = first.value;
    const builtinRuns = [
      first.ms,
      ...Array.from({ length: 4 }, () => timed(() => loadPack(options.contentDir)).ms),
    ];
    const generatedDir = writeGeneratedPack(path.join(work, 'generated'), scale.generatedModules);
    const generated = timed(() => loadPack(generatedDir));
    console.log(
      `compiled the built-in pack (${pack.modules.size} modules) in ${fmt(median(builtinRuns), 1)} ms (first ${fmt(first.ms, 1)} ms); a ${scale.generatedModules}-module pack in ${fmt(generated.ms)} ms`,
    );

    const passwordHash = await hashPassword(PASSWORD);
    ctx = {
      options,
      scale,
      pack,
      work,
      children,
      seedPlan: {
        ...scale,
        outcomeIds: [...pack.outcomes.keys()],
        moduleIds: [...pack.modules.keys()],
        passwordHash,
      },
      compile: { builtin: median(builtinRuns), generated: generated.ms },
    };

    const runs: EngineRun[] = [];
    let references: References | undefined;
    for (const engine of options.engines) {
      const measured = await measureEngine(engine, ctx, references === undefined);
      references ??= measured.references;
      runs.push(measured.run);
    }
    if (!references) throw new Error('the ceiling and the floor were not measured');
    const { ceiling: ceilingFigures, floor: floorFigures } = references;
    for (const run of runs) {
      for (const s of run.scenarios) {
        s.ofCeiling = s.requestsPerSecond / ceilingFigures.requestsPerSecond;
        s.ofFloor = s.requestsPerSecond / floorFigures.requestsPerSecond;
      }
      run.targets = targetsOf(run, ctx);
    }

    const seconds = options.durationSeconds;
    if (runs.length === 1) printTable(ceilingFigures, floorFigures, runs[0].scenarios);
    else printSideBySide(ceilingFigures, floorFigures, runs);
    console.log(
      `response bytes: module page ${references.pageBytes}, ceiling ${ceilingFigures.bytesPerResponse} and floor ${floorFigures.bytesPerResponse} per response with headers (wrk ${C} connections, ${Math.min(2, C)} threads, ${seconds} s each, one after another)`,
    );
    for (const run of runs) {
      const on = runs.length > 1 ? `${ENGINE_LABEL[run.engine]}: ` : '';
      console.log(
        `${on}variant upload of ${fmt(run.variantBytes / 1024 / 1024, 1)} MiB to validation report: ${fmt(run.uploadMs)} ms (median of ${run.uploads.length}${run.uploadFailed ? `, ${run.uploadFailed} failed` : ''})`,
      );
      console.log(
        `${on}peak RSS of the server: ${fmt(run.loadPeakMb)} MB under load, ${fmt(run.serverPeakKb / 1024)} MB over the whole run (variant uploads included)`,
      );
    }

    for (const run of runs) {
      const on =
        options.engines.length > 1 || run.engine !== 'sqlite' ? ` on ${ENGINE_LABEL[run.engine]}` : '';
      console.log(`\nTargets${on} (2-core machine)`);
      for (const t of run.targets) {
        console.log(
          `  ${met(t) ? 'met ' : 'MISS'}  ${t.name.padEnd(28)} ${fmt(t.measured, t.unit ? 1 : 3).padStart(9)}${t.unit}  (${t.atMost ? '≤' : '≥'} ${t.limit}${t.unit})`,
        );
      }
    }

    const summary = (run: EngineRun) => ({
      seed: run.seed,
      coldStartMs: run.coldStartMs,
      peakRssMb: { underLoad: run.loadPeakMb, wholeRun: run.serverPeakKb / 1024 },
      variantUpload: { bytes: run.variantBytes, medianMs: run.uploadMs, failed: run.uploadFailed },
      ...(run.trainerPack ? { trainerPack: run.trainerPack } : {}),
      targets: run.targets.map((t) => ({ ...t, met: met(t) })),
    });
    const report = {
      date: new Date().toISOString(),
      quick: options.quick,
      engines: options.engines,
      ...(options.engines.includes('postgres') ? { postgresPoolSize: options.poolSize } : {}),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        platform: `${os.platform()} ${os.release()}`,
      },
      node: process.version,
      durationSecondsPerScenario: seconds,
      warmupSecondsPerScenario: options.warmupSeconds,
      loadGenerator: {
        tool: 'wrk',
        version: spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].trim(),
        threads: 'min(2, connections)',
        method:
          'ceiling, floor and each scenario loaded one after another in the same run; ceiling and floor answer the module page bytes' +
          (runs.length > 1 ? '; ceiling and floor measured once, then every scenario on each engine' : ''),
      },
      modulePageBytes: references.pageBytes,
      compileMs: {
        builtin: median(builtinRuns),
        builtinFirst: first.ms,
        generated: generated.ms,
        generatedModules: scale.generatedModules,
      },
      ...(runs.length === 1
        ? summary(runs[0])
        : { byEngine: Object.fromEntries(runs.map((r) => [r.engine, summary(r)])) }),
      ceiling: ceilingFigures,
      floor: floorFigures,
      scenarios: runs.flatMap((r) => r.scenarios),
    };
    const out = options.quick
      ? path.join(ROOT, 'test-results', 'bench-quick.json')
      : path.join(ROOT, 'bench', 'last-run.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwritten to ${path.relative(ROOT, out)}`);

    const all = [ceilingFigures, floorFigures, ...runs.flatMap((r) => r.scenarios)];
    const errors = all.reduce((n, s) => n + s.errors, 0) + runs.reduce((n, r) => n + r.uploadFailed, 0);
    const empty = all.filter((s) => s.requests === 0).length;
    if (errors || empty) {
      console.error(`benchmark scenarios had ${errors} errors and ${empty} scenarios without a request`);
      process.exitCode = 1;
    }
  } finally {
    cleanup();
  }
}

function printTable(ceiling: LoadFigures, floor: LoadFigures, scenarios: LoadFigures[]): void {
  const rows = [ceiling, floor, ...scenarios];
  const width = Math.max(...rows.map((r) => r.name.length));
  const share = (r: LoadFigures, key: 'ofCeiling' | 'ofFloor', self: boolean) =>
    (self ? '1.000' : r[key] === undefined ? '' : fmt(r[key], 3)).padStart(7);
  console.log(
    `\n${'scenario'.padEnd(width)}  conns    req/s   p50 ms   p99 ms  non2xx  sockerr  of ceil  of floor  RSS MB`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(width)}  ${String(r.connections).padStart(5)}  ${String(r.requestsPerSecond).padStart(7)}  ${fmt(r.p50Ms, 1).padStart(7)}  ${fmt(r.p99Ms, 1).padStart(7)}  ${String(r.non2xx).padStart(6)}  ${String(r.socketErrors).padStart(7)}  ${share(r, 'ofCeiling', r === ceiling)}  ${share(r, 'ofFloor', r === floor).padStart(8)}  ${fmt(r.rssMb).padStart(6)}`,
    );
  }
}

/**
 * --engine both: the ceiling and the floor (measured once), then each scenario's figures on SQLite and on PostgreSQL
 * side by side, with PostgreSQL's throughput as a share of SQLite's.
 */
function printSideBySide(ceiling: LoadFigures, floor: LoadFigures, runs: EngineRun[]): void {
  const [a, b] = runs;
  const keys = [...new Set(runs.flatMap((r) => r.scenarios.map((s) => s.key!)))];
  const rows = keys.map((key) => {
    const left = a.scenarios.find((s) => s.key === key);
    const right = b.scenarios.find((s) => s.key === key);
    return { name: (left ?? right)!.name, connections: (left ?? right)!.connections, left, right };
  });
  const width = Math.max(...[ceiling, floor, ...rows].map((r) => r.name.length));
  const group = (r: LoadFigures | undefined) =>
    r
      ? `${String(r.requestsPerSecond).padStart(7)}  ${fmt(r.p50Ms, 1).padStart(7)}  ${fmt(r.p99Ms, 1).padStart(7)}  ${String(r.errors).padStart(6)}`
      : `${''.padStart(7)}  ${''.padStart(7)}  ${''.padStart(7)}  ${''.padStart(6)}`;
  const title = (engine: EngineName) => ENGINE_LABEL[engine].padEnd(36);
  console.log(`\n${''.padEnd(width)}         ${title(a.engine)}  ${title(b.engine)}`);
  console.log(
    `${'scenario'.padEnd(width)}  conns    req/s   p50 ms   p99 ms  errors    req/s   p50 ms   p99 ms  errors  ${`${b.engine === 'postgres' ? 'PG' : ENGINE_LABEL[b.engine]}/${ENGINE_LABEL[a.engine]}`.padStart(9)}`,
  );
  for (const r of [ceiling, floor])
    console.log(
      `${r.name.padEnd(width)}  ${String(r.connections).padStart(5)}  ${group(r)}  ${'(measured once)'.padStart(36)}`,
    );
  for (const r of rows) {
    const ratio =
      r.left && r.right && r.left.requestsPerSecond
        ? fmt(r.right.requestsPerSecond / r.left.requestsPerSecond, 3)
        : '';
    console.log(
      `${r.name.padEnd(width)}  ${String(r.connections).padStart(5)}  ${group(r.left)}  ${group(r.right)}  ${ratio.padStart(9)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

/**
 * Where the server's busy time went: shares by layer over the whole run (use with `--only page` to see one scenario),
 * then each scenario's CPU per request by layer beside the floor's, in microseconds.
 */
function printProfile(label: string, dir: string, scenarios: LoadFigures[], floor?: Ledger): void {
  const windows = scenarios.flatMap((f) => {
    const w = measuredWindows.get(f);
    return w ? [{ ...w, name: f.key ?? w.name }] : [];
  });
  const { file, busySamples, layers, ledgers } = summariseProfile(dir, windows);
  const uncovered = ledgers.filter((l) => l.perRequestUs === 0).map((l) => l.name);
  if (windows.length !== scenarios.length || uncovered.length)
    throw new Error(
      `the CPU profile does not cover every measured run (${uncovered.join(', ') || 'no window'})`,
    );
  console.log(
    `${label}: where the server's busy time went (${busySamples} samples, ${path.basename(file)}):`,
  );
  for (const [layer, share] of layers) console.log(`  ${(share * 100).toFixed(1).padStart(5)} %  ${layer}`);
  const columns = floor ? [...ledgers, { ...floor, name: 'floor' }] : ledgers;
  if (!columns.length) return;
  console.log(
    `${label}: server CPU per request by layer, µs (busy time in each measured run ÷ its requests):`,
  );
  const names = [...new Set(columns.flatMap((c) => [...c.layers.keys()]))].sort(
    (a, b) => (columns[0].layers.get(b) ?? 0) - (columns[0].layers.get(a) ?? 0),
  );
  const width = Math.max(...names.map((n) => n.length), 5);
  const cell = (us: number) => fmt(us).padStart(9);
  console.log(`  ${''.padEnd(width)}${columns.map((c) => `  ${c.name}`).join('')}`);
  for (const name of names)
    console.log(`  ${name.padEnd(width)}${columns.map((c) => cell(c.layers.get(name) ?? 0)).join('')}`);
  console.log(`  ${'all'.padEnd(width)}${columns.map((c) => cell(c.perRequestUs)).join('')}`);
  if (windows.some((w) => w.name === 'matrix'))
    console.log('  (matrix: the writes made beside it are in its window, so its figures include theirs)');
}
