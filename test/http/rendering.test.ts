import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { escapeForTemplate } from '../../src/shared/html';
import { viewOptions } from '../../src/web/views';
import { makeTestApp, type TestApp } from '../helpers/app';

// Issue 27, item 1: one renderer. Views are compiled without EJS's `with (locals)` scope and each declares the locals
// it reads; the module page is rendered from its template once per pack, module and kind of viewer, with slots.
let t: TestApp;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('views', () => {
  const dir = path.join(__dirname, '..', '..', 'views');
  const render = (template: string, locals: object) =>
    ejs.render(template, locals, { ...viewOptions(dir, { NODE_ENV: 'test' }), cache: false });

  it('fail loudly when a template reads a name it did not declare', () => {
    expect(render('<% const { title } = locals; -%><h1><%= title %></h1>', { title: 'Hi' })).toBe(
      '<h1>Hi</h1>',
    );
    expect(() => render('<h1><%= title %></h1>', { title: 'Hi' })).toThrow(ReferenceError);
    expect(() =>
      render('<% const { title } = locals; -%><%= title %> <%= subtitle %>', { title: 'Hi' }),
    ).toThrow(/subtitle is not defined/);
  });

  it('all compile with the options the app uses, each declaring its locals first', () => {
    const files = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ejs'));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(() =>
        ejs.compile(source, { ...viewOptions(dir, { NODE_ENV: 'production' }), cache: false }),
      ).not.toThrow();
      expect([file, /^<%\s*(\/\*[\s\S]*?\*\/\s*)?const \{[^}]*\} = locals;/.test(source)]).toEqual([
        file,
        true,
      ]);
    }
  });

  it('escape what they print as the pages do', () => {
    expect(render('<% const { x } = locals; -%><%= x %>|<%- x %>', { x: '<b>"&\'' })).toBe(
      `${escapeForTemplate('<b>"&\'')}|<b>"&'`,
    );
  });
});

describe('the module page from one cached skeleton', () => {
  interface Learner {
    agent: TestAgent;
    csrf: string;
    token: string;
  }
  const learner = async (): Promise<Learner> => {
    const u = await t.user('learner');
    const { agent, csrf } = await t.signIn(u.email);
    return { agent, csrf, token: await t.token(u.email) };
  };
  const csrfFields = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);

  it("gives each of two learners their own statuses, answers and CSRF token, and nothing of the other's", async () => {
    const ann = await learner();
    const bob = await learner();
    // Ann's page first: the skeleton for learners is made from her request
    expect((await ann.agent.get('/modules/case-town-hall')).status).toBe(200);
    await request(t.app)
      .put('/api/v1/me/responses/case-town-hall/li-1')
      .set(auth(ann.token))
      .send({ text: 'Ann <listens> & writes', shared: true });
    await request(t.app)
      .put('/api/v1/me/outcomes/LI1')
      .set(auth(ann.token))
      .send({ status: 'achieved', evidence: 'Complaints review' });
    await request(t.app)
      .put('/api/v1/me/responses/case-town-hall/me-1')
      .set(auth(bob.token))
      .send({ text: 'Bob measures' });

    const annPage = (await ann.agent.get('/modules/case-town-hall?saved=1')).text;
    const bobPage = (await bob.agent.get('/modules/case-town-hall')).text;

    expect(annPage).toContain('Ann &lt;listens&gt; &amp; writes</textarea>');
    expect(annPage).not.toContain('Bob measures');
    expect(annPage).toMatch(/id="share-li-1" name="share:li-1" type="checkbox" value="1" checked>/);
    expect(annPage).toContain('Your changes have been saved.');
    expect(annPage).toContain('You have answered 1 of 2 questions');
    expect(annPage).toMatch(
      // issue 32: her LI1 waits for the trainer's review
      /<strong>LI1<\/strong>[^\n]* <strong class="govuk-tag govuk-tag--blue">Awaiting review<\/strong>/,
    );

    expect(bobPage).toContain('Bob measures</textarea>');
    expect(bobPage).not.toContain('Ann &lt;listens&gt;');
    expect(bobPage).not.toMatch(/name="share:li-1" type="checkbox" value="1" checked>/);
    expect(bobPage).not.toContain('Your changes have been saved.');
    expect(bobPage).toContain('You have answered 1 of 2 questions');
    expect(bobPage).toMatch(
      /<strong>LI1<\/strong>[^\n]* <strong class="govuk-tag govuk-tag--grey">Not started<\/strong>/,
    );

    expect(ann.csrf).not.toBe(bob.csrf);
    for (const [page, me] of [
      [annPage, ann],
      [bobPage, bob],
    ] as const) {
      const tokens = csrfFields(page);
      expect(tokens.length).toBeGreaterThan(1);
      expect(new Set(tokens)).toEqual(new Set([me.csrf]));
      expect(page).toContain(`<meta name="csrf-token" content="${me.csrf}">`);
    }
  });

  it("shows one learner's refused answers with their problems, and the next learner a page without them", async () => {
    const ann = await learner();
    const bob = await learner();
    const refused = await ann.agent
      .post('/modules/case-town-hall/responses')
      .type('form')
      .send({ _csrf: ann.csrf, 'answer:li-1': 'x'.repeat(10_001), 'answer:me-1': 'Ann typed this' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.text).toContain('govuk-error-summary');
    expect(refused.text).toContain('govuk-form-group govuk-form-group--error govuk-character-count');
    expect(refused.text).toContain('Ann typed this</textarea>');
    expect(new Set(csrfFields(refused.text))).toEqual(new Set([ann.csrf]));

    const page = (await bob.agent.get('/modules/case-town-hall')).text;
    expect(page).not.toContain('govuk-error');
    expect(page).not.toContain('Ann typed this');
    expect(page).not.toContain('xxxxxxxx');
    expect(new Set(csrfFields(page))).toEqual(new Set([bob.csrf]));
  });

  it('shows a trainer the same module without a learner part', async () => {
    const trainer = await t.user('trainer');
    const page = (
      await request(t.app)
        .get('/modules/case-town-hall')
        .set(auth(await t.token(trainer.email)))
    ).text;
    expect(page).toContain('<h1 class="govuk-heading-xl">The town hall front desk</h1>');
    expect(page).not.toContain('<textarea');
    expect(page).not.toContain('id="completion"');
    expect(page).not.toContain('govuk-tag');
  });
});
