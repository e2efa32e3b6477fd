import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { statusFromHistory, type OutcomeHistoryEntry, type OutcomeStatus } from '../../src/progress/status';
import { makeTestApp, type TestApp } from '../helpers/app';

/**
 * Issue 32 item 2, one rating rule everywhere: random histories (a seeded generator, so a failure replays) of learners
 * setting outcomes and trainers confirming or returning them, then every surface read back and compared with the
 * rule replayed over each history (statusFromHistory): the learner's progress page, the cohort's matrix (HTML), its
 * CSV, the API (the learner's progress and the cohort's progress) and the xAPI statements' outcome-status.
 * The fixture pack's LI outcomes are reviewed by a trainer, its ME outcomes self-assessed.
 */

const SEED = 20261207;
const LEARNERS = 4;
const STEPS = 30;
const OUTCOMES = ['LI1', 'LI2', 'LI3', 'ME1', 'ME2', 'ME3'];
const RULE = (id: string) => (id.startsWith('ME') ? 'self' : 'trainer');
const LABEL: Record<OutcomeStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  awaiting_review: 'Awaiting review',
  achieved: 'Achieved',
};

/** mulberry32: small, seedable, good enough to pick actions. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

let t: TestApp;
let trainerToken: string;
let trainer: TestAgent;
let cohortId: number;
const learners: { id: number; email: string; name: string; token: string; agent: TestAgent }[] = [];
const histories = new Map<string, OutcomeHistoryEntry[]>(); // `${learnerId}:${outcomeId}`

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const expected = (learnerId: number, outcomeId: string) =>
  statusFromHistory(histories.get(`${learnerId}:${outcomeId}`) ?? [], RULE(outcomeId));

/** A tiny CSV reader (quoted fields, doubled quotes), enough for the progress spreadsheet. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c !== '\r') field += c;
  }
  if (field || row.length) endRow();
  return rows;
}

beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_URL: 'https://learning.example.org' } });
  const tr = await t.user('trainer', 'rule@example.org', 'Rue Trainer');
  trainerToken = await t.token(tr.email);
  trainer = (await t.signIn(tr.email)).agent;
  cohortId = (await request(t.app).post('/api/v1/cohorts').set(auth(trainerToken)).send({ name: 'Rule' }))
    .body.id;
  for (let i = 0; i < LEARNERS; i++) {
    const u = await t.user('learner', `rule-${i}@example.org`, `Rule Learner ${i}`);
    learners.push({
      ...u,
      name: `Rule Learner ${i}`,
      token: await t.token(u.email),
      agent: (await t.signIn(u.email)).agent,
    });
  }
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/members`)
    .set(auth(trainerToken))
    .send({ emails: learners.map((l) => l.email) });

  const random = prng(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  for (let step = 0; step < STEPS * LEARNERS; step++) {
    const learner = pick(learners);
    const outcomeId = pick(OUTCOMES);
    const key = `${learner.id}:${outcomeId}`;
    const history = histories.get(key) ?? [];
    histories.set(key, history);
    if (
      RULE(outcomeId) === 'trainer' &&
      expected(learner.id, outcomeId) === 'awaiting_review' &&
      random() < 0.6
    ) {
      const queue = await request(t.app).get(`/api/v1/cohorts/${cohortId}/reviews`).set(auth(trainerToken));
      const item = queue.body.reviews.find(
        (r: { outcomeId: string; learner: { id: number } }) =>
          r.outcomeId === outcomeId && r.learner.id === learner.id,
      );
      const confirm = random() < 0.6;
      const res = await request(t.app)
        .post(`/api/v1/reviews/${item.id}`)
        .set(auth(trainerToken))
        .send(confirm ? { decision: 'confirm' } : { decision: 'return', comment: `Not yet (step ${step})` });
      expect(res.status).toBe(200);
      history.push({ kind: 'decision', decision: confirm ? 'confirmed' : 'returned' });
      continue;
    }
    const status = pick(['not_started', 'in_progress', 'achieved', 'achieved'] as const);
    const evidence = pick(['e1', 'e2', 'e3']); // few texts, so saving the same again happens too
    const res = await request(t.app)
      .put(`/api/v1/me/outcomes/${outcomeId}`)
      .set(auth(learner.token))
      .send({ status, evidence });
    expect(res.status).toBe(200);
    history.push({ kind: 'claim', status, evidence });
    expect(res.body.status).toBe(expected(learner.id, outcomeId));
  }
}, 120_000);
afterAll(() => t.close());

test('the histories exercise every status, both rules and both decisions', () => {
  const seen = new Set<string>();
  for (const l of learners) for (const o of OUTCOMES) seen.add(`${RULE(o)}:${expected(l.id, o)}`);
  for (const s of ['trainer:awaiting_review', 'trainer:achieved', 'trainer:in_progress', 'self:achieved']) {
    expect(seen).toContain(s);
  }
  const decisions = [...histories.values()].flat().filter((e) => e.kind === 'decision');
  expect(decisions.map((d) => d.kind === 'decision' && d.decision)).toEqual(
    expect.arrayContaining(['confirmed', 'returned']),
  );
});

test('the learner’s page, the matrix, its CSV, the API and xAPI agree with the rule for every learner and outcome', async () => {
  const want = (id: number) => Object.fromEntries(OUTCOMES.map((o) => [o, expected(id, o)]));

  // 1. the learner's progress page: each outcome's tag
  for (const l of learners) {
    const page = await l.agent.get('/progress');
    const shown = Object.fromEntries(
      OUTCOMES.map((o) => {
        const m = new RegExp(`id="outcome-${o}-status"><strong class="govuk-tag[^"]*">([^<]+)<`).exec(
          page.text,
        );
        return [o, m?.[1]];
      }),
    );
    expect(shown).toEqual(Object.fromEntries(OUTCOMES.map((o) => [o, LABEL[expected(l.id, o)]])));
  }

  // 2. the matrix: each learner's row, its outcome cells in the pack's order (LI1…ME3)
  const matrix = await trainer.get(`/cohorts/${cohortId}`);
  for (const l of learners) {
    const start = matrix.text.indexOf(`href="/cohorts/${cohortId}/learners/${l.id}"`);
    const row = matrix.text.slice(start, matrix.text.indexOf('</tr>', start));
    const cells = [
      ...row.matchAll(/<td class="[apwn]">(?:<a [^>]*>[^<]*)?<span class="pw-vh">([^<]+)<\/span>/g),
    ].map((m) => m[1]);
    expect(cells).toEqual(OUTCOMES.map((o) => LABEL[expected(l.id, o)]));
  }

  // 3. the CSV: a status column (and an evidence column) per outcome after name, email and the count achieved
  const csv = parseCsv((await trainer.get(`/cohorts/${cohortId}/progress.csv`)).text.replace(/^\uFEFF/, ''));
  for (const l of learners) {
    const row = csv.find((r) => r[1] === l.email)!;
    expect(OUTCOMES.map((_, i) => row[3 + 2 * i])).toEqual(OUTCOMES.map((o) => LABEL[expected(l.id, o)]));
    expect(Number(row[2])).toBe(OUTCOMES.filter((o) => expected(l.id, o) === 'achieved').length);
  }

  // 4. the API: the learner's own progress, and the cohort's
  for (const l of learners) {
    const mine = await request(t.app).get('/api/v1/me/progress').set(auth(l.token));
    const statuses = Object.fromEntries(
      (mine.body.areas as { outcomes: { id: string; status: string }[] }[])
        .flatMap((a) => a.outcomes)
        .map((o) => [o.id, o.status]),
    );
    expect(statuses).toEqual(want(l.id));
  }
  const cohort = await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(auth(trainerToken));
  for (const l of learners) {
    const row = cohort.body.learners.find((x: { id: number }) => x.id === l.id);
    expect(row.outcomes).toEqual(want(l.id));
  }

  // 5. xAPI: the latest statement about each outcome carries its status (none yet: not started)
  const admin = await t.user('admin', 'rule-admin@example.org', 'Rule Admin');
  const adminToken = await t.token(admin.email);
  const latest = new Map<string, string>();
  for (let url = '/api/v1/events?limit=1000'; url;) {
    const page = await request(t.app).get(url).set(auth(adminToken));
    expect(page.status).toBe(200);
    for (const s of page.body.statements as {
      actor: { mbox: string };
      object: { id: string };
      result?: { extensions?: Record<string, unknown> };
    }[]) {
      const status = s.result?.extensions?.['https://learning.example.org/xapi/extensions/outcome-status'];
      const m = /\/outcomes\/([A-Z]+\d+)$/.exec(s.object.id);
      if (m && typeof status === 'string') latest.set(`${s.actor.mbox}:${m[1]}`, status);
    }
    url = page.body.more;
  }
  for (const l of learners) {
    const statuses = Object.fromEntries(
      OUTCOMES.map((o) => [o, latest.get(`mailto:${l.email}:${o}`) ?? 'not_started']),
    );
    expect(statuses).toEqual(want(l.id));
  }
});
