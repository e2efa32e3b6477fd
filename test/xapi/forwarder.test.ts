import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import { startServerProcess } from '../helpers/server';
import { ConfigError, loadConfig } from '../../src/config';
import type { Statement } from '../../src/xapi/xapi.schema';
import { problemsOf } from './validate';

/**
 * A Learning Record Store stand-in (xAPI 1.0.3 §2.1.3): validates every statement it receives, stores a batch
 * atomically and answers 200 with the ids; 409 for the whole batch when an id is already stored with other content;
 * a planned 5xx answer when asked to fail.
 */
class Lrs {
  readonly stored = new Map<string, string>();
  readonly order: string[] = [];
  readonly requests: { version: string | undefined; ids: string[]; status: number }[] = [];
  readonly problems: string[] = [];
  failNext = 0;
  private server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text) as Statement[];
      const answer = (status: number, json: unknown) => {
        this.requests.push({
          version: req.headers['x-experience-api-version'] as string | undefined,
          ids: body.map((s) => s.id),
          status,
        });
        res
          .writeHead(status, { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3' })
          .end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || req.url !== '/xapi/statements') return answer(404, {});
      if (req.headers['x-experience-api-version'] !== '1.0.3')
        return answer(400, { error: 'version header' });
      if (this.failNext > 0) {
        this.failNext--;
        return answer(503, { error: 'down' });
      }
      for (const s of body) this.problems.push(...problemsOf(s).map((p) => `${s.id} ${p}`));
      if (body.some((s) => this.stored.has(s.id) && this.stored.get(s.id) !== JSON.stringify(s)))
        return answer(409, { error: 'conflict' });
      for (const s of body) {
        if (this.stored.has(s.id)) continue; // the same statement again: not stored twice
        this.stored.set(s.id, JSON.stringify(s));
        this.order.push(s.id);
      }
      answer(
        200,
        body.map((s) => s.id),
      );
    });
  });
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/xapi`;
  }
  close() {
    return new Promise((r) => this.server.close(r));
  }
}

describe('forwarding to an LRS', () => {
  let lrs: Lrs;
  let t: TestApp;
  let token: string;
  let admin: string;

  beforeEach(async () => {
    lrs = new Lrs();
    t = await makeTestApp({
      env: {
        PUBLIC_URL: 'https://learning.example.org',
        XAPI_LRS_URL: await lrs.start(),
        XAPI_BATCH_SIZE: '2',
      },
    });
    const learner = await t.user('learner', 'Lea@Example.org', 'Lea');
    token = await t.token(learner.email);
    admin = await t.token((await t.user('admin')).email);
    for (const id of ['LI1', 'LI2', 'ME1'])
      for (const status of ['in_progress', 'achieved'])
        await request(t.app)
          .put(`/api/v1/me/outcomes/${id}`)
          .set({ Authorization: `Bearer ${token}` })
          .send({ status, evidence: 'e' });
  });
  afterEach(async () => {
    await t.close();
    await lrs.close();
  });

  const expected = async () =>
    (
      (
        await request(t.app)
          .get('/api/v1/events')
          .set({ Authorization: `Bearer ${admin}` })
      ).body.statements as Statement[]
    ).map((s) => s.id);

  it('delivers every statement once, in order, in batches, with the version header; a 5xx batch is retried after backoff', async () => {
    const ids = await expected();
    expect(ids).toHaveLength(6);
    const xapi = t.services.xapi;
    const now = Date.now();
    expect(await xapi.forwardOnce(now)).toBe('sent');
    lrs.failNext = 1;
    expect(await xapi.forwardOnce(now)).toBe('failed');
    expect(await xapi.state()).toMatchObject({
      last_event_id: 2,
      failures: 1,
      last_error: 'LRS answered 503',
    });
    expect(await xapi.forwardOnce(now + 500)).toBe('waiting'); // backing off: the first retry waits a second
    expect(lrs.requests).toHaveLength(2);
    expect(await xapi.forwardOnce(now + 1_000)).toBe('sent');
    expect(await xapi.forwardOnce(now + 1_000)).toBe('sent');
    expect(await xapi.forwardOnce(now + 1_000)).toBe('idle');
    expect(await xapi.state()).toMatchObject({ last_event_id: 6, failures: 0, last_error: null });

    expect(lrs.problems).toEqual([]);
    expect(lrs.order).toEqual(ids);
    expect(lrs.requests.map((r) => [r.status, r.ids.length])).toEqual([
      [200, 2],
      [503, 2],
      [200, 2],
      [200, 2],
    ]);
    expect(lrs.requests.every((r) => r.version === '1.0.3')).toBe(true);
    // accepted statements are never sent again: each id appears in exactly one 200 answer
    const accepted = lrs.requests.filter((r) => r.status === 200).flatMap((r) => r.ids);
    expect(accepted).toEqual(ids);
    const stored = [...lrs.stored.values()].map((s) => JSON.parse(s) as Statement);
    expect(stored.every((s) => !('version' in s) && s.actor.mbox === 'mailto:lea@example.org')).toBe(true);
  });

  it('on a 409, sends the batch a statement at a time and counts the one the LRS already holds as delivered', async () => {
    const ids = await expected();
    // the LRS already holds the second statement's id with other content (say, sent before a cohort was renamed)
    lrs.stored.set(ids[1], JSON.stringify({ id: ids[1], older: true }));
    const xapi = t.services.xapi;
    expect(await xapi.forwardOnce()).toBe('sent');
    expect(lrs.requests.map((r) => [r.status, r.ids])).toEqual([
      [409, [ids[0], ids[1]]],
      [200, [ids[0]]],
      [409, [ids[1]]],
    ]);
    expect(await xapi.state()).toMatchObject({ last_event_id: 2, failures: 0 });
    while ((await xapi.forwardOnce()) === 'sent');
    expect(lrs.order).toEqual([ids[0], ...ids.slice(2)]);
    expect(lrs.requests.filter((r) => r.status === 200).flatMap((r) => r.ids)).toEqual([
      ids[0],
      ...ids.slice(2),
    ]);
    expect(lrs.problems).toEqual([]);
    expect(JSON.parse(lrs.stored.get(ids[1])!)).toEqual({ id: ids[1], older: true });
  });

  it('never sends one batch twice at once (one sender at a time)', async () => {
    const xapi = t.services.xapi;
    const [a, b] = await Promise.all([xapi.forwardOnce(), xapi.forwardOnce()]);
    expect([a, b].sort()).toEqual(['sent', 'waiting']);
    expect(lrs.requests).toHaveLength(1);
  });
});

describe('PUBLIC_URL', () => {
  it('is required in production: loadConfig names the setting', () => {
    const env = { NODE_ENV: 'production', DATA_DIR: '/tmp/packway-never', SESSION_SECRET: 'x'.repeat(32) };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/PUBLIC_URL: required when NODE_ENV=production/);
    expect(loadConfig({ ...env, PUBLIC_URL: 'https://learning.example.org/' }).publicUrl).toBe(
      'https://learning.example.org',
    );
  });

  it('the production server refuses to start without it, saying why', async () => {
    await expect(startServerProcess('/tmp/packway-never', { PUBLIC_URL: '' })).rejects.toThrow(/PUBLIC_URL/);
  });
});
