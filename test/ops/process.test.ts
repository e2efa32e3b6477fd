import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openDatabase } from '../../src/db/open';
import type { Database } from '../../src/db/ports';
import type { Db } from '../../src/db/sqlite/open';
import { onSqlite } from '../helpers/engine';
import { databaseUrlOf, dataDirWithLearners, startServerProcess, tokenFor } from '../helpers/server';

/** The real server in its own process: crash safety under SIGKILL, and graceful shutdown on SIGTERM. */

const OUTCOMES = ['LI1', 'LI2', 'LI3', 'ME1', 'ME2', 'ME3'];
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The database a DATA_DIR made by dataDirWithLearners goes with (the SQLite file in it, or its PostgreSQL database). */
const databaseOf = (dir: string): Database =>
  openDatabase({ databaseUrl: databaseUrlOf(dir), dataDir: dir, poolSize: 1, synchronous: 'FULL' });

function put(baseUrl: string, token: string, outcome: string, evidence: string): Promise<number> {
  return fetch(`${baseUrl}/api/v1/me/outcomes/${outcome}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ status: 'achieved', evidence }),
  }).then(
    (r) => r.status,
    () => 0,
  );
}

describe('crash safety', () => {
  it('keeps every write answered 2xx when the server is killed with SIGKILL mid-stream, and no record is half-written', async () => {
    const email = 'crash@example.org';
    const dir = await dataDirWithLearners([email]);
    dirs.push(dir);
    const first = await startServerProcess(dir);
    const token = await tokenFor(first.baseUrl, email);

    const acked: { outcome: string; evidence: string; seq: number }[] = [];
    let seq = 0;
    let killed = false;
    const worker = async () => {
      while (!killed) {
        const n = seq++;
        const outcome = OUTCOMES[n % OUTCOMES.length];
        const evidence = `write-${n}`;
        const status = await put(first.baseUrl, token, outcome, evidence);
        if (status >= 200 && status < 300) acked.push({ outcome, evidence, seq: n });
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    while (acked.length < 200) await new Promise((r) => setTimeout(r, 10));
    killed = true;
    first.child.kill('SIGKILL');
    const exit = await first.exited;
    await Promise.all(workers);
    expect(exit.signal).toBe('SIGKILL');

    let shownAfterRestart: Map<string, string>;
    const second = await startServerProcess(dir);
    try {
      const ready = await fetch(`${second.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      const progress = (await (
        await fetch(`${second.baseUrl}/api/v1/me/progress`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        areas: { outcomes: { id: string; evidence: string }[] }[];
      };
      shownAfterRestart = new Map(progress.areas.flatMap((a) => a.outcomes).map((o) => [o.id, o.evidence]));
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const db = databaseOf(dir);
    try {
      // SQLite only: the file's own consistency check (PostgreSQL recovers its cluster from its write-ahead log)
      if (onSqlite)
        expect((db as Database & { raw: Db }).raw.pragma('integrity_check', { simple: true })).toBe('ok');
      const history = new Set(
        (await db.all<{ evidence: string }>('SELECT evidence FROM outcome_history')).map((r) => r.evidence),
      );
      const missing = acked.filter((a) => !history.has(a.evidence));
      expect(missing).toEqual([]);
      const events = (await db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM events WHERE verb = 'progressed'",
      ))!.n;
      expect(events).toBe(history.size); // the change, its history row and its event commit together or not at all
      const torn = await db.all(
        `SELECT p.outcome_id FROM outcome_progress p
         WHERE p.evidence <> (SELECT h.evidence FROM outcome_history h WHERE h.user_id = p.user_id AND h.outcome_id = p.outcome_id ORDER BY h.id DESC LIMIT 1)`,
      );
      expect(torn).toEqual([]);
      for (const outcome of OUTCOMES) {
        const latest = await db.get<{ evidence: string }>(
          'SELECT evidence FROM outcome_history WHERE outcome_id = ? ORDER BY id DESC LIMIT 1',
          [outcome],
        );
        expect({ outcome, shown: shownAfterRestart.get(outcome) }).toEqual({
          outcome,
          shown: latest!.evidence,
        });
      }
    } finally {
      await db.close();
    }
  });
});

describe('graceful shutdown', () => {
  /** Sends a PUT whose body arrives in two parts, so the request is in flight when the signal comes. */
  function slowPut(port: number, token: string, evidence: string) {
    const body = JSON.stringify({ status: 'achieved', evidence });
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path: '/api/v1/me/outcomes/LI1',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    return { finish: () => req.end(body.slice(10)), response, abort: () => req.destroy() };
  }

  it('on SIGTERM refuses new connections, finishes the request in flight, and closes the database cleanly', async () => {
    const email = 'shutdown@example.org';
    const dir = await dataDirWithLearners([email]);
    dirs.push(dir);
    const server = await startServerProcess(dir, { SHUTDOWN_GRACE_MS: '600000' });
    const token = await tokenFor(server.baseUrl, email);
    const inFlight = slowPut(server.port, token, 'finished during shutdown');
    await new Promise((r) => setTimeout(r, 150));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`${server.baseUrl}/healthz`)).rejects.toThrow();
    inFlight.finish();
    const res = await inFlight.response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).evidence).toBe('finished during shutdown');
    // the grace is far longer than the test may run: the process exits only because the now-idle keep-alive
    // connection does not hold shutdown up (no time is asserted; a held shutdown fails by the test's timeout)
    const exit = await server.exited;
    expect(exit.code).toBe(0);

    if (onSqlite) {
      // SQLite only: the file's write-ahead log is checkpointed and closed
      const wal = path.join(dir, 'packway.db-wal');
      expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
    }
    const db = databaseOf(dir);
    try {
      expect(
        (await db.get<{ evidence: string }>(
          "SELECT evidence FROM outcome_progress WHERE outcome_id = 'LI1'",
        ))!.evidence,
      ).toBe('finished during shutdown');
    } finally {
      await db.close();
    }
  });

  it('does not wait longer than SHUTDOWN_GRACE_MS for a stalled request', async () => {
    const email = 'stalled@example.org';
    const dir = await dataDirWithLearners([email]);
    dirs.push(dir);
    const server = await startServerProcess(dir, { SHUTDOWN_GRACE_MS: '300' });
    const token = await tokenFor(server.baseUrl, email);
    const stalled = slowPut(server.port, token, 'never finished');
    stalled.response.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGTERM');
    const exit = await server.exited; // a stalled request would hold it for ever without the grace period
    expect(exit.code).toBe(0);
    stalled.abort();
  });
});
