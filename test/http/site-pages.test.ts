import request from 'supertest';
import { loadConfig } from '../../src/config';
import { makeTestApp, type TestApp } from '../helpers/app';

/** Issue 18 item 12: the service's own pages, linked from every footer, open to everyone, contact set by the organisation. */

let t: TestApp;
let bare: TestApp;

beforeAll(async () => {
  t = await makeTestApp({
    env: {
      ORGANISATION_NAME: 'Borsetshire County Council',
      SUPPORT_EMAIL: 'packway.help@borsetshire.example',
      DPO_EMAIL: 'dpo@borsetshire.example',
      RETENTION_MONTHS: '24',
      SESSION_IDLE_MINUTES: '45',
    },
  });
  bare = await makeTestApp();
});
afterAll(async () => {
  await t.close();
  await bare.close();
});

const PAGES = [
  ['/contact', 'Contact and help'],
  ['/accessibility', 'Accessibility statement for Packway'],
  ['/privacy', 'Privacy notice'],
  ['/cookies', 'Cookies'],
] as const;

describe('the service’s own pages', () => {
  it('serves each page to a visitor who has not signed in, linked from the footer of every page', async () => {
    for (const [path, heading] of PAGES) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`<h1 class="govuk-heading-l">${heading}</h1>`);
    }
    const login = (await request(t.app).get('/help')).text;
    const footer = login.slice(login.indexOf('<footer'));
    for (const [path] of [['/help'], ...PAGES]) expect(footer).toContain(`href="${path}"`);
  });

  it('shows the organisation’s contact, data protection officer and retention period from the settings', async () => {
    const contact = (await request(t.app).get('/contact')).text;
    expect(contact).toContain('Borsetshire County Council');
    expect(contact).toContain('href="mailto:packway.help@borsetshire.example"');
    expect(contact).toContain('href="/help"');
    const privacy = (await request(t.app).get('/privacy')).text;
    expect(privacy).toContain(
      'Borsetshire County Council runs this copy of Packway and is the data controller',
    );
    expect(privacy).toContain('href="mailto:dpo@borsetshire.example"');
    expect(privacy).toContain('for 24 months');
    expect(privacy).toContain('public task');
    expect(privacy).toContain('article 6(1)(e)');
    expect(privacy).toContain('href="https://ico.org.uk/make-a-complaint/"');
    const help = (await request(t.app).get('/help')).text;
    expect(help).toContain('href="/contact"');
  });

  it('states accessibility honestly: known issues, how to report, enforcement and the testing done', async () => {
    const page = (await request(t.app).get('/accessibility')).text;
    for (const part of [
      'How accessible this website is',
      'Reporting accessibility problems with this website',
      'Enforcement procedure',
      'Equality Advisory and Support Service',
      'partially compliant',
      '2.2.1 (Timing adjustable)',
      'after 45 minutes without using Packway',
      'axe-core',
      'keyboard checks',
      'This statement was prepared on 23 November 2026',
    ])
      expect(page).toContain(part);
    expect(page).toContain('href="mailto:packway.help@borsetshire.example"');
  });

  it('lists exactly the cookies Packway sets, both strictly necessary, and no analytics', async () => {
    const page = (await request(t.app).get('/cookies')).text;
    expect(page).toContain('strictly necessary');
    expect(page).toContain('does not use analytics cookies');
    const names = [...page.matchAll(/<code>(packway_[a-z]+)<\/code>/g)].map((m) => m[1]);
    // the cookies a visitor and a signed-in person actually receive
    const set = new Set<string>();
    const anon = await request(t.app).get('/login');
    for (const c of ([] as string[]).concat(anon.headers['set-cookie'] ?? [])) set.add(c.split('=')[0]);
    const u = await t.user('learner');
    const agent = request.agent(t.app);
    const form = await agent.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const signedIn = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, email: u.email, password: 'correct-horse-battery-42' });
    for (const c of ([] as string[]).concat(signedIn.headers['set-cookie'] ?? [])) set.add(c.split('=')[0]);
    expect([...set].sort()).toEqual([...names].sort());
  });

  it('says who to ask when the organisation has set no contact, and reminds admins of the setting', async () => {
    const contact = (await request(bare.app).get('/contact')).text;
    expect(contact).not.toContain('mailto:');
    expect(contact).toContain('learning and development (L&amp;D) team');
    expect(contact).not.toContain('SUPPORT_EMAIL');
    const admin = await bare.user('admin');
    const signedIn = await bare.signIn(admin.email);
    const asAdmin = (await signedIn.agent.get('/contact')).text;
    expect(asAdmin).toContain('<code>SUPPORT_EMAIL</code>');
  });

  it('refuses a support address that is not an email address at start-up, naming the setting', () => {
    expect(() => loadConfig({ SUPPORT_EMAIL: 'not an address', SESSION_SECRET: 'x'.repeat(32) })).toThrow(
      /SUPPORT_EMAIL/,
    );
  });

  it('puts the “Signed in as” bar inside the page header landmark', async () => {
    const u = await t.user('trainer');
    const { agent } = await t.signIn(u.email);
    const home = (await agent.get('/')).text;
    const header = home.slice(home.indexOf('<header'), home.indexOf('</header>'));
    expect(header).toContain('Signed in as');
    expect(header).toContain('Sign out');
  });
});
