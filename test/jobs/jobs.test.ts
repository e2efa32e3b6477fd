import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { startServer } from '../../src/server';
import { createLogger } from '../../src/shared/logger';
import { FIXTURE_PACK, makeTestApp, PASSWORD } from '../helpers/app';
import { createTestDatabase, dropTestDatabase, onPostgres } from '../helpers/engine';

/** Background work that README promises: it must actually run. */

async function until<T>(check: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the xAPI forwarder', () => {
  it('is started by the server and delivers learning events to the LRS', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: { verb: { id: string } }[] }[] = [];
    const lrs = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(text) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      });
    });
    await new Promise<void>((r) => lrs.listen(0, '127.0.0.1', r));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-xapi-'));
    const databaseUrl = onPostgres ? await createTestDatabase() : undefined;
    const config = loadConfig({
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      NODE_ENV: 'test',
      DATA_DIR: dir,
      CONTENT_DIR: FIXTURE_PACK,
      PORT: '0',
      HOST: '127.0.0.1',
      XAPI_LRS_URL: `http://127.0.0.1:${(lrs.address() as AddressInfo).port}/xapi`,
      XAPI_LRS_USERNAME: 'key',
      XAPI_LRS_PASSWORD: 'secret',
      BOOTSTRAP_ADMIN_EMAIL: 'admin@example.org',
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    });
    const running = await startServer(config, createLogger('silent'));
    try {
      const base = `http://127.0.0.1:${running.port}`;
      const admin = (
        await request(base)
          .post('/api/v1/auth/token')
          .send({ email: 'admin@example.org', password: PASSWORD })
      ).body.token as string;
      await request(base)
        .post('/api/v1/users')
        .set('Authorization', `Bearer ${admin}`)
        .send({ email: 'lea@example.org', name: 'Lea', role: 'learner', password: PASSWORD });
      const learner = (
        await request(base).post('/api/v1/auth/token').send({ email: 'lea@example.org', password: PASSWORD })
      ).body.token as string;
      expect(
        (
          await request(base)
            .put('/api/v1/me/outcomes/LI1')
            .set('Authorization', `Bearer ${learner}`)
            .send({ status: 'in_progress' })
        ).status,
      ).toBe(200);
      const batch = await until(() => received[0], 8_000);
      expect(batch.headers['x-experience-api-version']).toBe('1.0.3');
      expect(batch.headers.authorization).toBe(`Basic ${Buffer.from('key:secret').toString('base64')}`);
      expect(batch.body.map((s) => s.verb.id)).toContain('http://adlnet.gov/expapi/verbs/progressed');
    } finally {
      await running.close();
      await new Promise((r) => lrs.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    }
  });
});

describe('the session sweeper', () => {
  it('is a recurring job of the jobs runner the server starts, and removes sessions past their idle timeout', async () => {
    const t = await makeTestApp();
    try {
      const learner = await t.user('learner');
      await t.signIn(learner.email);
      const count = async () => (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions'))!.n;
      expect(await count()).toBe(1);
      // what the server does at start: seed the recurring jobs and run those due (the first sweep), then stop polling
      await t.services.jobs.start();
      await t.services.jobs.stop();
      expect(await count()).toBe(1); // still live
      t.clock.advance(61 * 60_000); // past SESSION_IDLE_MINUTES (60), and past the sweep's next run
      expect(await t.services.jobs.runDue(['sessions.sweep'])).toBe(1);
      expect(await count()).toBe(0);
    } finally {
      await t.close();
    }
  });
});
