import request from 'supertest';
import { makeTestApp, REAL_PACK, type TestApp } from '../helpers/app';

/** Issue 18 item 8: presenter mode, the audience's slides with nothing of the site around them and a notes window. */

let t: TestApp;
let agent: Awaited<ReturnType<TestApp['signIn']>>['agent'];

beforeAll(async () => {
  t = await makeTestApp({ content: REAL_PACK });
  const u = await t.user('trainer');
  agent = (await t.signIn(u.email)).agent;
});
afterAll(() => t.close());

describe('presenter mode', () => {
  it('offers Present, speaker notes and the print view from the deck page', async () => {
    const res = await agent.get('/modules/slides-overview/slides');
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/modules/slides-overview/slides/present"');
    expect(res.text).toContain('href="/modules/slides-overview/slides/notes"');
    expect(res.text).toContain('href="/modules/slides-overview/slides?print=1"');
  });

  it('shows the audience every slide with nothing of the site and never a speaker note', async () => {
    const res = await agent.get('/modules/slides-overview/slides/present');
    expect(res.status).toBe(200);
    const slides = res.text.match(/data-slide="/g) ?? [];
    expect(slides.length).toBeGreaterThan(3);
    for (const part of [
      'govuk-footer',
      'govuk-service-navigation',
      'Signed in as',
      'Speaker notes:',
      'Time:',
    ])
      expect(res.text).not.toContain(part);
    expect(res.text).not.toMatch(/Welcome the group and introduce yourself/);
    expect(res.text).toContain('<script src="/static/js/presenter.js" defer></script>');
    expect(res.text).not.toMatch(/<script>|<style|style="/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('gives the presenter every note with its planned minutes, and the deck total', async () => {
    const res = await agent.get('/modules/slides-overview/slides/notes');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Welcome the group and introduce yourself');
    expect(res.text).toContain('data-minutes="8"');
    expect(res.text).toContain('Planned: 8 minutes');
    expect(res.text).toContain('Planned time for the deck: 60 minutes');
    expect(res.text).toContain('data-clock');
    expect(res.text).not.toContain('govuk-footer');
  });

  it('answers 404 for a module without slides, and keeps the print view', async () => {
    expect((await agent.get('/modules/no-such-deck/slides/present')).status).toBe(404);
    const notSlides = (await agent.get('/pack')).text.match(/href="\/modules\/(area-[a-z-]+)"/)![1];
    expect((await agent.get(`/modules/${notSlides}/slides/notes`)).status).toBe(404);
    const print = await agent.get('/modules/slides-overview/slides?print=1');
    expect(print.text).toContain('pw-deck--print');
    expect(print.text).toContain('Welcome the group');
  });

  it('sends a visitor who has not signed in to sign in', async () => {
    const res = await request(t.app).get('/modules/slides-overview/slides/present');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});
