import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import validate from '@learninglocker/xapi-validation';
import type { Browser, Page } from 'playwright-core';
import type { Pack } from '../src/content/types';
import { axe, launchBrowser } from './harness';
import { builtInPack, serve, writePackage, type StaticServer } from './package-lms';

/**
 * A cmi5 AU from the package played in Chromium against a stand-in LMS: it launches the AU with real launch parameters,
 * answers the fetch URL with a token (once), serves the State API (`LMS.LaunchData` and the AU's own document), and its
 * LRS checks every statement with Learning Locker's validator and the cmi5 rules for the AU's statements.
 */

const CMI5 = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
const MOVEON = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
const SESSION = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';
const VERB = (v: string) => `http://adlnet.gov/expapi/verbs/${v}`;
const ACTOR = {
  objectType: 'Agent',
  name: 'Lee Learner',
  account: { homePage: 'https://lms.example', name: 'lee-42' },
};

interface Statement {
  id: string;
  actor: unknown;
  verb: { id: string };
  object: { id: string };
  result?: { completion?: boolean; duration?: string };
  context: {
    registration: string;
    extensions?: Record<string, string>;
    contextActivities?: { category?: { id: string }[] };
  };
  timestamp: string;
}

interface Session {
  token: string;
  tokenFetched: number;
  registration: string;
  sessionId: string;
  activityId: string;
  mode: 'Normal' | 'Browse' | 'Review';
}

let pack: Pack;
let browser: Browser;
let dir: string;
let lms: StaticServer;
const sessions = new Map<string, Session>();
const statements: Statement[] = [];
const problems: string[] = [];
/** State documents by registration and stateId. */
const state = new Map<string, string>();

function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return true;
}

function authorised(req: IncomingMessage): Session | undefined {
  const token = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const session = [...sessions.values()].find((s) => s.token === token);
  if (!session) problems.push(`${req.method} ${req.url}: no valid token`);
  if (req.headers['x-experience-api-version'] !== '1.0.3')
    problems.push(`${req.method} ${req.url}: no xAPI version header`);
  return session;
}

/** The LRS's check of one statement against the cmi5 rules for an AU's statements in its session. */
function checkStatement(s: Statement, session: Session): void {
  const where = `${s.verb.id} statement`;
  for (const w of validate(s)) problems.push(`${where}: ${w.path.join('.')}: ${w.constructor.name}`);
  if (JSON.stringify(s.actor) !== JSON.stringify(ACTOR))
    problems.push(`${where}: actor is not the launch actor`);
  if (s.object.id !== session.activityId) problems.push(`${where}: object is not the AU's activityId`);
  if (s.context.registration !== session.registration) problems.push(`${where}: wrong registration`);
  if (s.context.extensions?.[SESSION] !== session.sessionId)
    problems.push(`${where}: wrong or missing session id`);
  const categories = (s.context.contextActivities?.category ?? []).map((c) => c.id);
  if (!categories.includes(CMI5)) problems.push(`${where}: no cmi5 category`);
  if (s.verb.id === VERB('completed')) {
    if (!categories.includes(MOVEON)) problems.push(`${where}: no moveon category`);
    if (s.result?.completion !== true) problems.push(`${where}: result.completion is not true`);
    if (!/^PT[\d.]+S$/.test(s.result?.duration ?? '')) problems.push(`${where}: no duration`);
    if (session.mode !== 'Normal') problems.push(`${where}: completed in ${session.mode} mode`);
  }
  const mine = statements.filter((x) => x.context.extensions?.[SESSION] === session.sessionId);
  const verbs = mine.map((x) => x.verb.id);
  if (s.verb.id !== VERB('initialized') && verbs[0] !== VERB('initialized'))
    problems.push(`${where}: before initialized`);
  if (verbs.includes(VERB('terminated'))) problems.push(`${where}: after terminated`);
  if (s.verb.id === VERB('initialized') && verbs.length)
    problems.push(`${where}: a second initialized in one session`);
  const completedBefore = statements.some(
    (x) => x.verb.id === VERB('completed') && x.context.registration === session.registration,
  );
  if (s.verb.id === VERB('completed') && completedBefore)
    problems.push(`${where}: a second completed in one registration`);
}

function routes(req: IncomingMessage, res: ServerResponse, body: string): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/fetch' && req.method === 'POST') {
    const session = sessions.get(url.searchParams.get('k') ?? '');
    if (!session) return json(res, 404, {});
    // the fetch URL gives the token once; asked again it answers with the cmi5 error document
    if (session.tokenFetched++ > 0)
      return json(res, 200, { 'error-code': '1', 'error-text': 'already fetched' });
    return json(res, 200, { 'auth-token': session.token });
  }
  if (url.pathname === '/xapi/activities/state') {
    const session = authorised(req);
    if (!session) return json(res, 401, {});
    const q = url.searchParams;
    if (q.get('activityId') !== session.activityId || q.get('registration') !== session.registration)
      problems.push(`state: wrong activityId or registration`);
    if (JSON.stringify(JSON.parse(q.get('agent') ?? 'null')) !== JSON.stringify(ACTOR))
      problems.push('state: wrong agent');
    const stateId = q.get('stateId')!;
    if (stateId === 'LMS.LaunchData') {
      if (req.method !== 'GET') problems.push('the AU wrote LMS.LaunchData');
      return json(res, 200, {
        contextTemplate: {
          contextActivities: {
            grouping: [{ id: 'https://lms.example/course/packway', objectType: 'Activity' }],
          },
          extensions: { [SESSION]: session.sessionId },
        },
        launchMode: session.mode,
        launchMethod: 'AnyWindow',
        moveOn: 'Completed',
      });
    }
    const key = `${session.registration}|${stateId}`;
    if (req.method === 'PUT') {
      state.set(key, body);
      res.writeHead(204).end();
      return true;
    }
    if (!state.has(key)) return (void res.writeHead(404).end(), true);
    res.writeHead(200, { 'content-type': 'application/json' }).end(state.get(key));
    return true;
  }
  if (url.pathname === '/xapi/statements' && req.method === 'POST') {
    const session = authorised(req);
    if (!session) return json(res, 401, {});
    const s = JSON.parse(body) as Statement;
    checkStatement(s, session);
    statements.push(s);
    return json(res, 200, [s.id]);
  }
  return false;
}

beforeAll(async () => {
  pack = builtInPack();
  browser = await launchBrowser();
  dir = writePackage(pack, 'cmi5');
  lms = await serve(dir, routes);
});
afterAll(async () => {
  await browser?.close();
  await lms?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Launches an AU as the LMS does: a new session, a token behind a one-time fetch URL, the launch parameters. */
async function launch(moduleId: string, registration: string, mode: Session['mode'] = 'Normal') {
  const key = randomUUID();
  const activityId = `urn:packway:${pack.id}:module:${moduleId}`;
  const session: Session = {
    token: Buffer.from(`au:${key}`).toString('base64'),
    tokenFetched: 0,
    registration,
    sessionId: randomUUID(),
    activityId,
    mode,
  };
  sessions.set(key, session);
  const q = new URLSearchParams({
    endpoint: `${lms.url}/xapi/`,
    fetch: `${lms.url}/fetch?k=${key}`,
    actor: JSON.stringify(ACTOR),
    registration,
    activityId,
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // an LRS answers 404 for a state document not yet written (the AU's answers on a first visit): that is no error
    const firstVisit = m.location().url.includes('stateId=packway.answers') && m.text().includes('404');
    if (m.type() === 'error' && !firstVisit) errors.push(`${m.text()} ${m.location().url}`);
  });
  await page.goto(`${lms.url}/pkg/modules/${moduleId}.html?${q}`);
  await waitFor(() => verbsOf(session).includes('initialized'));
  return { page, session, errors };
}

const verbsOf = (session: Session) =>
  statements
    .filter((s) => s.context.extensions?.[SESSION] === session.sessionId)
    .map((s) => s.verb.id.replace(VERB(''), ''));

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for the LMS');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The learner leaves the AU: the page goes away (pagehide) and terminated must reach the LRS. */
async function leave(page: Page, session: Session): Promise<void> {
  await page.goto('about:blank');
  await waitFor(() => verbsOf(session).includes('terminated'));
  await page.close();
}

describe('cmi5 AU against a stand-in LMS', () => {
  const mod = () => pack.modules.get('case-dudley-golden-thread')!;

  it('Normal mode: initialized, completed once every question is answered, terminated; answers back next session', async () => {
    const registration = randomUUID();
    const first = await launch(mod().id, registration);
    for (const p of mod().prompts) await first.page.fill(`[name="q:${p.id}"]`, `Answer ${p.id}`);
    await first.page.click('button:has-text("Save answers")');
    await waitFor(() => verbsOf(first.session).includes('completed'));
    await first.page.waitForSelector('[data-pw-status]:has-text("Completed")');
    await first.page.fill(`[name="q:${mod().prompts[0].id}"]`, 'Last words before leaving');
    await leave(first.page, first.session);
    expect(verbsOf(first.session)).toEqual(['initialized', 'completed', 'terminated']);
    expect(first.errors).toEqual([]);

    // a second session of the same registration: the answers come back; no second completed
    const second = await launch(mod().id, registration);
    expect(await second.page.inputValue(`[name="q:${mod().prompts[0].id}"]`)).toBe(
      'Last words before leaving',
    );
    expect(await second.page.inputValue(`[name="q:${mod().prompts[3].id}"]`)).toBe(
      `Answer ${mod().prompts[3].id}`,
    );
    await second.page.fill(`[name="q:${mod().prompts[1].id}"]`, 'Changed on the second visit');
    await second.page.click('button:has-text("Save answers")');
    await leave(second.page, second.session);
    expect(verbsOf(second.session)).toEqual(['initialized', 'terminated']);
    expect(second.errors).toEqual([]);
    expect([...sessions.values()].every((s) => s.tokenFetched === 1)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('the last answer typed just before leaving still completes the AU, before terminated', async () => {
    const { page, session } = await launch(mod().id, randomUUID());
    for (const p of mod().prompts) await page.fill(`[name="q:${p.id}"]`, `Quick ${p.id}`);
    // no save, no pause: the page goes away within the runtime's one-second wait
    await leave(page, session);
    await waitFor(() => verbsOf(session).length === 3);
    expect(verbsOf(session)).toEqual(['initialized', 'completed', 'terminated']);
    expect(problems).toEqual([]);
    const doc = JSON.parse(state.get(`${session.registration}|packway.answers`) ?? '{}');
    expect(doc.answers[`q:${mod().prompts.at(-1)!.id}`]).toBe(`Quick ${mod().prompts.at(-1)!.id}`);
    expect(doc.completedSent).toBe(true);
  });

  it('Browse mode: only initialized and terminated, and the page says nothing is recorded', async () => {
    const { page, session, errors } = await launch(mod().id, randomUUID(), 'Browse');
    expect(await page.textContent('[data-pw-status]')).toContain(
      'browse mode: nothing you enter is recorded',
    );
    for (const p of mod().prompts) await page.fill(`[name="q:${p.id}"]`, 'Just looking');
    await page.click('button:has-text("Save answers")');
    await leave(page, session);
    expect(verbsOf(session)).toEqual(['initialized', 'terminated']);
    expect(errors).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('opened without launch parameters, it says it is not recording and works as a page', async () => {
    const before = lms.requested.length;
    const page = await browser.newPage();
    await page.goto(`${lms.url}/pkg/modules/${mod().id}.html`);
    await page.waitForSelector('[data-pw-status]:has-text("not open from a learning system")');
    await page.fill(`[name="q:${mod().prompts[0].id}"]`, 'Offline answer');
    await page.click('button:has-text("Save answers")');
    expect(await page.inputValue(`[name="q:${mod().prompts[0].id}"]`)).toBe('Offline answer');
    await page.close();
    // it asked for nothing but its own files
    expect(lms.requested.slice(before).filter((p) => !p.startsWith('/pkg/'))).toEqual([]);
  });

  it('every kind of module page passes axe and runs under a strict CSP with no violation', async () => {
    const ids = [
      'intro-why-customer-focus',
      'area-listening',
      'raid-plan',
      'activity-self-assessment',
      'case-stoke-outcomes',
      'slides-raids',
    ];
    for (const id of ids) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${lms.url}/pkg/modules/${id}.html`);
      await page.waitForSelector('[data-pw-status]:has-text("not open from a learning system")');
      expect({ id, violations: await axe(page) }).toEqual({ id, violations: [] });
      expect({ id, errors }).toEqual({ id, errors: [] });
      await page.close();
    }
  });
});
