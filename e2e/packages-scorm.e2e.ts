import fs from 'node:fs';
import type { Browser, Frame, Page } from 'playwright-core';
import type { Module, Pack } from '../src/content/types';
import { launchBrowser } from './harness';
import { builtInPack, serve, writePackage, type StaticServer } from './package-lms';

/**
 * SCORM 1.2 and 2004 packages played in Chromium with scorm-again as the LMS's API: a stand-in LMS page puts the API on
 * its window and opens the SCO in a frame, as an LMS's player does. The test answers through the page, closes the SCO
 * (the frame navigates away: pagehide), reads scorm-again's CMI data, and reopens the SCO with that data loaded.
 */

type Std = 'scorm12' | 'scorm2004';
type Cmi = Record<string, unknown> & { cmi: Record<string, unknown> };

let pack: Pack;
let browser: Browser;
const dirs: Partial<Record<Std, string>> = {};
const servers: Partial<Record<Std, StaticServer>> = {};
/** The CMI data the LMS page starts with (as an LMS restores a learner's attempt); null for a first visit. */
let saved: unknown = null;

// The stand-in LMS: scorm-again's browser build, the API on the window, the SCO in a frame. `refuse` makes every
// SetValue fail with one of the error codes an LMS gives for a value it will not take.
const LMS_JS = `
(async function () {
  var q = new URLSearchParams(location.search);
  var std = q.get('std');
  var saved = await (await fetch('/saved')).json();
  var api = std === 'scorm12' ? new Scorm12API({ autocommit: false, logLevel: 5 }) : new Scorm2004API({ autocommit: false, logLevel: 5 });
  if (saved) api.loadFromJSON(saved, '');
  if (q.get('refuse')) {
    var codes = ['403', '405', '407'], n = 0, last = '0';
    var set = std === 'scorm12' ? 'LMSSetValue' : 'SetValue';
    var err = std === 'scorm12' ? 'LMSGetLastError' : 'GetLastError';
    var realErr = api[err];
    api[set] = function () { last = codes[n++ % codes.length]; window.refused = (window.refused || 0) + 1; return 'false'; };
    api[err] = function () { return last !== '0' ? last : realErr.call(api); };
  }
  window[std === 'scorm12' ? 'API' : 'API_1484_11'] = api;
  document.getElementById('sco').src = '/pkg/' + q.get('sco');
})();`;

function lmsRoutes(
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/lms.html') {
    const lib = url.searchParams.get('std') === 'scorm12' ? 'scorm12.min.js' : 'scorm2004.min.js';
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!DOCTYPE html><html><head><title>LMS</title><link rel="icon" href="data:,"><script src="/scorm-again/${lib}"></script><script src="/lms.js"></script></head>
<body><iframe id="sco" title="Module" style="width:1200px;height:900px"></iframe></body></html>`);
    return true;
  }
  if (url.pathname === '/lms.js')
    return (void res.writeHead(200, { 'content-type': 'text/javascript' }).end(LMS_JS), true);
  if (url.pathname === '/saved')
    return (void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(saved)), true);
  return false;
}

beforeAll(async () => {
  pack = builtInPack();
  browser = await launchBrowser();
  for (const std of ['scorm12', 'scorm2004'] as const) {
    dirs[std] = writePackage(pack, std);
    servers[std] = await serve(dirs[std]!, lmsRoutes);
  }
});
afterAll(async () => {
  await browser?.close();
  for (const s of Object.values(servers)) await s?.close();
  for (const d of Object.values(dirs)) if (d) fs.rmSync(d, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  sco: Frame;
  errors: string[];
}

/** Opens the LMS page with the SCO of a module; resolves once the SCO's runtime has started (its status line says so). */
async function open(std: Std, mod: Module, opts: { refuse?: boolean } = {}): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const query = `std=${std}&sco=modules/${mod.id}.html${opts.refuse ? '&refuse=1' : ''}`;
  await page.goto(`${servers[std]!.url}/lms.html?${query}`);
  const frame = await (await page.waitForSelector('#sco')).contentFrame();
  if (!frame) throw new Error('no SCO frame');
  await frame.waitForSelector('h1');
  await page.waitForFunction(
    (name) => {
      const w = window as unknown as Record<string, { isInitialized?: () => boolean }>;
      return (
        w[name]?.isInitialized?.() === true || (w as unknown as { refused?: number }).refused !== undefined
      );
    },
    std === 'scorm12' ? 'API' : 'API_1484_11',
  );
  return { page, sco: frame, errors };
}

/** Closes the SCO the way an LMS does when the learner leaves it (its frame navigates away) and returns the CMI data. */
async function close(o: Opened, std: Std): Promise<Cmi> {
  await o.page.evaluate(() => {
    (document.getElementById('sco') as HTMLIFrameElement).src = 'about:blank';
  });
  const name = std === 'scorm12' ? 'API' : 'API_1484_11';
  await o.page.waitForFunction(
    (n) => (window as unknown as Record<string, { isTerminated: () => boolean }>)[n].isTerminated(),
    name,
  );
  const cmi = await o.page.evaluate(
    (n) =>
      (window as unknown as Record<string, { renderCMIToJSONObject: () => unknown }>)[
        n
      ].renderCMIToJSONObject(),
    name,
  );
  await o.page.close();
  return cmi as Cmi;
}

/** A child array of the CMI data as a list (scorm-again renders it as an object keyed by index). */
function list(value: unknown): Record<string, unknown>[] {
  if (!value || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  const items =
    (v.childArray as unknown[]) ??
    Object.keys(v)
      .filter((k) => /^\d+$/.test(k))
      .map((k) => v[k]);
  return items as Record<string, unknown>[];
}

const caseStudy = () => pack.modules.get('case-warwickshire-libraries')!;

describe('SCORM 1.2 in scorm-again', () => {
  it('records incomplete on opening, completed with every question answered, objectives and interactions; answers come back', async () => {
    saved = null;
    const mod = caseStudy();
    const o = await open('scorm12', mod);
    expect(
      await o.page.evaluate(() =>
        (window as unknown as { API: { LMSGetValue(k: string): string } }).API.LMSGetValue(
          'cmi.core.lesson_status',
        ),
      ),
    ).toBe('incomplete');
    for (const p of mod.prompts)
      await o.sco.fill(`[name="q:${p.id}"]`, `Answer to ${p.id}: ours & theirs <ok>`);
    await o.sco.check(`[name="o:${mod.outcomes[0]}:status"][value="achieved"]`);
    // the last answer is typed and the SCO closed at once: pagehide keeps it
    await o.sco.fill(`[name="q:${mod.prompts[0].id}"]`, 'Changed just before closing');
    const cmi = await close(o, 'scorm12');
    expect(o.errors).toEqual([]);
    const core = cmi.cmi.core as Record<string, unknown>;
    expect(core.lesson_status).toBe('completed');
    expect(core.exit).toBe('suspend');
    const data = JSON.parse(String(cmi.cmi.suspend_data));
    expect(data.answers[`q:${mod.prompts[0].id}`]).toBe('Changed just before closing');
    expect(data.done).toBe(true);
    const objectives = list(cmi.cmi.objectives);
    expect(objectives.map((x) => x.id)).toEqual(mod.outcomes);
    expect(objectives[0].status).toBe('passed');
    expect(objectives[1].status).toBe('not attempted');
    const interactions = list(cmi.cmi.interactions);
    expect(interactions.length).toBeGreaterThanOrEqual(mod.prompts.length);
    expect(interactions.every((x) => x.type === 'fill-in')).toBe(true);
    expect(interactions.map((x) => x.id)).toContain(`${mod.id}.q:${mod.prompts[1].id}`);

    // reopened with the attempt's data: the answers are back, and the page says the module is complete
    saved = cmi;
    const again = await open('scorm12', mod);
    expect(await again.sco.inputValue(`[name="q:${mod.prompts[0].id}"]`)).toBe('Changed just before closing');
    expect(await again.sco.inputValue(`[name="q:${mod.prompts[5].id}"]`)).toBe(
      `Answer to ${mod.prompts[5].id}: ours & theirs <ok>`,
    );
    expect(await again.sco.isChecked(`[name="o:${mod.outcomes[0]}:status"][value="achieved"]`)).toBe(true);
    expect(await again.sco.textContent('[data-pw-status]')).toContain('has this module as complete');
    await close(again, 'scorm12');
    expect(again.errors).toEqual([]);
  });

  it('beyond 4,096 characters keeps the newest answers and says which are not kept', async () => {
    saved = null;
    const mod = caseStudy();
    const o = await open('scorm12', mod);
    for (const p of mod.prompts) await o.sco.fill(`[name="q:${p.id}"]`, `${p.id} `.repeat(80));
    await o.sco.click('button:has-text("Save answers")');
    const warning = o.sco.locator('[data-pw-trimmed]');
    await warning.waitFor({ state: 'visible' });
    expect(await warning.textContent()).toContain(mod.prompts[0].question.slice(0, 40));
    const cmi = await close(o, 'scorm12');
    const text = String(cmi.cmi.suspend_data);
    expect(text.length).toBeLessThanOrEqual(4096);
    const answers = JSON.parse(text).answers as Record<string, string>;
    expect(answers[`q:${mod.prompts[0].id}`]).toBeUndefined();
    expect(answers[`q:${mod.prompts[mod.prompts.length - 1].id}`]).toBe(
      `${mod.prompts[mod.prompts.length - 1].id} `.repeat(80),
    );
    // the module is still complete: every question was answered on the page
    expect((cmi.cmi.core as Record<string, unknown>).lesson_status).toBe('completed');
  });
});

describe('SCORM 2004 in scorm-again', () => {
  /** Fills every required field of the activity's form through the page. */
  async function fillForm(sco: Frame): Promise<void> {
    for (const el of await sco.$$('[data-pw-work="form"] [required]')) {
      const [type, tag, name] = await el.evaluate((e) => [
        (e as HTMLInputElement).type,
        e.tagName,
        (e as HTMLInputElement).name,
      ]);
      if (type === 'radio') await sco.check(`[name="${name}"] >> nth=0`);
      else if (type === 'date') await el.fill('2027-03-27');
      else if (tag === 'SELECT') await el.selectOption({ index: 1 });
      else await el.fill(`My answer for ${name}`);
    }
  }

  it('a form module: completed when submitted, answers as long-fill-in interactions, outcomes as objectives, answers back', async () => {
    saved = null;
    const mod = pack.modules.get('activity-purpose-statement')!;
    const o = await open('scorm2004', mod);
    await o.sco.click('button:has-text("Submit the form")');
    expect(await o.sco.textContent('[data-pw-status]')).toContain(
      'Answer every question not marked optional',
    );
    await fillForm(o.sco);
    await o.sco.check(`[name="o:${mod.outcomes[1]}:status"][value="in_progress"]`);
    await o.sco.click('button:has-text("Submit the form")');
    await o.sco.waitForSelector('[data-pw-status]:has-text("Completed")');
    const cmi = await close(o, 'scorm2004');
    expect(o.errors).toEqual([]);
    expect(cmi.cmi.completion_status).toBe('completed');
    expect(cmi.cmi.exit).toBe('suspend');
    const objectives = list(cmi.cmi.objectives);
    expect(objectives.map((x) => x.id)).toEqual(mod.outcomes);
    expect(objectives[1].completion_status).toBe('incomplete');
    const interactions = list(cmi.cmi.interactions);
    expect(interactions.length).toBeGreaterThan(0);
    expect(interactions.every((x) => x.type === 'long-fill-in')).toBe(true);
    expect(interactions.some((x) => String(x.learner_response).startsWith('My answer for'))).toBe(true);

    saved = cmi;
    const again = await open('scorm2004', mod);
    const first = await again.sco.$('[data-pw-work="form"] textarea[required]');
    expect(await first!.inputValue()).toMatch(/^My answer for f:/);
    await close(again, 'scorm2004');
  });

  it('an outcome met in an earlier module shows as achieved in a later one', async () => {
    const mod = caseStudy();
    // what an LMS puts in the SCO's objectives from the manifest's global objective, met in another module
    saved = {
      cmi: {
        objectives: {
          '0': { id: mod.outcomes[2], success_status: 'passed', completion_status: 'completed' },
        },
      },
    };
    const o = await open('scorm2004', mod);
    const note = o.sco.locator(`[data-pw-earlier="${mod.outcomes[2]}"]`);
    await note.waitFor({ state: 'visible' });
    expect(await note.textContent()).toContain('achieved, from another module');
    expect(await o.sco.isChecked(`[name="o:${mod.outcomes[2]}:status"][value="achieved"]`)).toBe(true);
    await close(o, 'scorm2004');
  });

  it('a reading module is completed by marking it complete', async () => {
    saved = null;
    const mod = pack.modules.get('intro-why-customer-focus')!;
    const o = await open('scorm2004', mod);
    await o.sco.click('button:has-text("Mark as complete")');
    const cmi = await close(o, 'scorm2004');
    expect(cmi.cmi.completion_status).toBe('completed');
  });

  it('an LMS that refuses every value: the page keeps working and says only what it knows', async () => {
    saved = null;
    const mod = caseStudy();
    const o = await open('scorm2004', mod, { refuse: true });
    await o.sco.fill(`[name="q:${mod.prompts[0].id}"]`, 'An answer the LMS will not take');
    await o.sco.click('button:has-text("Save answers")');
    await o.sco.waitForSelector('[data-pw-status]:has-text("did not accept")');
    expect(await o.sco.inputValue(`[name="q:${mod.prompts[0].id}"]`)).toBe('An answer the LMS will not take');
    expect(await o.sco.textContent('body')).not.toMatch(/Saved in your learning system|Completed\./);
    expect(await o.page.evaluate(() => (window as unknown as { refused: number }).refused)).toBeGreaterThan(
      0,
    );
    expect(o.errors).toEqual([]);
    await o.page.close();
  });

  it('asks for nothing but the package and the LMS', () => {
    const asked = servers.scorm2004!.requested.filter(
      (p) => !/^\/(pkg|scorm-again)\/|^\/(lms\.html|lms\.js|saved)$/.test(p),
    );
    expect(asked).toEqual([]);
    expect(servers.scorm2004!.requested).toContain('/pkg/assets/fonts/bold-b542beb274-v2.woff2');
  });
});
