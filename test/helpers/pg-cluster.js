// A throwaway PostgreSQL cluster for tests and the benchmark: initdb into a temp dir, start on a free loopback
// port, stop and delete it afterwards. Plain CommonJS so jest's globalSetup (and plain node) can require it.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function hasInitdb(dir) {
  return !!dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
}

/** The directory holding initdb and pg_ctl: $PG_BIN, else the newest /usr/lib/postgresql/N/bin, else pg_config --bindir, else null. */
function findPgBin() {
  if (process.env.PG_BIN) return hasInitdb(process.env.PG_BIN) ? process.env.PG_BIN : null;
  const root = '/usr/lib/postgresql';
  let versions = [];
  try {
    versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    // no Debian-style installation
  }
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (hasInitdb(bin)) return bin;
  }
  try {
    const bin = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (hasInitdb(bin)) return bin;
  } catch {
    // pg_config not installed
  }
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Run a PostgreSQL binary, as user postgres when we are root (initdb and postgres refuse to run as root). */
function runPg(bin, tool, args) {
  const exe = path.join(bin, tool);
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function logTail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function failure(what, err, logFile) {
  // execFileSync's message is "Command failed: CMD" followed by the command's stderr
  const msg = `PostgreSQL test cluster: ${what} failed: ${String(err.message).trim()}`;
  return new Error(logFile ? `${msg}\n--- server log (tail) ---\n${logTail(logFile)}` : msg, { cause: err });
}

/**
 * Start a fresh cluster. Resolves to { url, host, port, dataDir, bin, stop() }; stop() is synchronous and idempotent.
 * @param {{ bin?: string }} [options]
 */
async function startCluster(options = {}) {
  const bin = options.bin || findPgBin();
  if (!bin)
    throw new Error('PostgreSQL test cluster: no initdb/pg_ctl found (set PG_BIN or install postgresql)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-pg-'));
  const logFile = path.join(dataDir, 'log');
  const pgdata = path.join(dataDir, 'data'); // initdb wants an empty directory; the log and socket live beside it
  let started = false;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (started) {
      try {
        runPg(bin, 'pg_ctl', ['-D', pgdata, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (isRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      fs.chownSync(dataDir, uid, gid);
    }
    try {
      runPg(bin, 'initdb', ['-D', pgdata, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
    } catch (err) {
      throw failure('initdb', err);
    }
    const port = await freePort();
    const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dataDir} -c fsync=on -c synchronous_commit=on -c max_connections=200`;
    try {
      started = true; // from here on stop() must try pg_ctl stop
      runPg(bin, 'pg_ctl', ['-D', pgdata, '-o', opts, '-w', '-t', '60', '-l', logFile, 'start']);
    } catch (err) {
      throw failure(`pg_ctl start (port ${port})`, err, logFile);
    }
    const host = '127.0.0.1';
    return { url: `postgres://postgres@${host}:${port}/postgres`, host, port, dataDir, bin, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

module.exports = { findPgBin, startCluster };
