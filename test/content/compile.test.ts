import { compilePack, summarise, type FileMap } from '../../src/content/compile';
import { readContentDir } from '../../src/content/load';
import { formatError } from '../../src/content/types';
import { FIXTURE_PACK } from '../helpers/app';

const base = readContentDir(FIXTURE_PACK);

function withFiles(changes: Record<string, string | null>): FileMap {
  const files = new Map(base);
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) files.delete(path);
    else files.set(path, text);
  }
  return files;
}

function errorsOf(files: FileMap): string[] {
  const result = compilePack(files);
  if (result.ok) throw new Error('expected the pack to fail');
  return result.errors.map(formatError);
}

const CASE = '06-case-studies/01-town-hall.md';
const caseText = base.get(CASE)!;

describe('content compiler: the fixture pack', () => {
  const result = compilePack(base);
  if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
  const pack = result.pack;

  it('keeps sections in pack.yaml order with their modules', () => {
    expect(pack.sections.map((s) => s.id)).toEqual(['introduction', 'learning-areas', 'raid-guidelines', 'case-studies', 'activities', 'slides']);
    expect(pack.sections[1].modules.map((m) => m.id)).toEqual(['area-listening', 'area-measuring']);
    expect(pack.modules.get('case-town-hall')?.kind).toBe('case-study');
  });

  it('collects areas with their outcomes', () => {
    expect(pack.areas.map((a) => [a.id, a.short, a.outcomes.length])).toEqual([['listening', 'LI', 3], ['measuring', 'ME', 3]]);
    expect(pack.outcomes.get('ME2')?.areaId).toBe('measuring');
  });

  it('splits decks into slides with speaker notes', () => {
    const deck = pack.modules.get('slides-overview')!;
    expect(deck.slides).toHaveLength(3);
    expect(deck.slides[0].title).toBe('Why customer focus');
    expect(deck.slides[0].notesHtml).toContain('Ask the group');
    expect(deck.slides[0].html).not.toContain('Ask the group');
  });

  it('renders headings with unique anchors and GOV.UK classes', () => {
    const intro = pack.modules.get('intro-welcome')!;
    expect(intro.headings.map((h) => h.anchor)).toEqual(['why-this-matters', 'why-this-matters-2']);
    expect(intro.html).toContain('<h2 class="govuk-heading-l" id="why-this-matters">');
    expect(intro.html).toContain('rel="noopener noreferrer"');
  });

  it('keeps prompts and forms, and is frozen', () => {
    expect(pack.modules.get('case-town-hall')!.prompts.map((p) => p.area)).toEqual(['listening', 'measuring']);
    expect(pack.modules.get('activity-self-assessment')!.form!.repeatable).toBe(true);
    expect(Object.isFrozen(pack.modules.get('case-town-hall'))).toBe(true);
    expect(summarise(pack)).toMatchObject({ sections: 6, modules: 9, areas: 2, outcomes: 6, slides: 3 });
  });

  it('gives the same hash for the same files and another for changed files', () => {
    const again = compilePack(new Map(base));
    const changed = compilePack(withFiles({ CASE: null, [CASE]: caseText.replace('front desk.', 'front desk again.') }));
    expect(again.ok && again.pack.hash).toBe(pack.hash);
    expect(changed.ok && changed.pack.hash).not.toBe(pack.hash);
  });
});

describe('content compiler: broken packs give file:line errors', () => {
  it('duplicate id', () => {
    const dup = caseText.replace('id: case-town-hall', 'id: intro-welcome');
    expect(errorsOf(withFiles({ [CASE]: dup }))).toContainEqual(expect.stringMatching(/^06-case-studies\/01-town-hall\.md:2: duplicate id "intro-welcome"/));
  });

  it('unknown area and unknown outcome', () => {
    const bad = caseText.replace('areas: [listening, measuring]', 'areas: [listening, flying]').replace('outcomes: [LI1, ME1]', 'outcomes: [LI1, XX9]');
    const errors = errorsOf(withFiles({ [CASE]: bad }));
    expect(errors).toContainEqual(expect.stringMatching(/01-town-hall\.md:6: unknown area "flying"/));
    expect(errors).toContainEqual(expect.stringMatching(/01-town-hall\.md:7: unknown outcome "XX9"/));
  });

  it('missing title', () => {
    const bad = caseText.replace('title: The town hall front desk\n', '');
    expect(errorsOf(withFiles({ [CASE]: bad }))).toContainEqual(expect.stringMatching(/01-town-hall\.md:\d+: title: /));
  });

  it('YAML error with its line', () => {
    const bad = caseText.replace('minutes: 45', 'minutes: [45');
    expect(errorsOf(withFiles({ [CASE]: bad }))[0]).toMatch(/^06-case-studies\/01-town-hall\.md:\d+: YAML error/);
  });

  it('prompt in an unknown area', () => {
    const bad = caseText.replace('{ id: me-1, area: measuring', '{ id: me-1, area: dancing');
    expect(errorsOf(withFiles({ [CASE]: bad }))).toContainEqual(expect.stringMatching(/01-town-hall\.md:10: prompt "me-1" is in an unknown area "dancing"/));
  });

  it('a case study missing an area', () => {
    const bad = caseText.replace(/\s+- \{ id: me-1[^\n]+/, '');
    expect(errorsOf(withFiles({ [CASE]: bad }))).toContainEqual(expect.stringMatching(/needs a prompt in every learning area; none for: measuring/));
  });

  it('empty section', () => {
    expect(errorsOf(withFiles({ [CASE]: null }))).toContainEqual('pack.yaml:8: empty section "case-studies": no modules in 06-case-studies/');
  });

  it('outcome id not matching the area, and too few outcomes', () => {
    const area = base.get('03-learning-areas/02-measuring.md')!;
    const bad = area.replace('{ id: ME3,', '{ id: LI9,');
    expect(errorsOf(withFiles({ '03-learning-areas/02-measuring.md': bad }))).toContainEqual(
      expect.stringMatching(/02-measuring\.md:11: outcome id "LI9" must be the area's short code "ME"/),
    );
    const few = area.replace(/\s+- \{ id: ME3[^\n]+/, '').replace(/\s+- \{ id: ME2[^\n]+/, '');
    expect(errorsOf(withFiles({ '03-learning-areas/02-measuring.md': few }))).toContainEqual(expect.stringMatching(/outcomes: a learning area needs 3 to 5 outcomes/));
  });

  it('review: trainer (the default) or self, on an area or one outcome; anything else is an error at its line', () => {
    const area = base.get('03-learning-areas/02-measuring.md')!;
    const outcome = area.replace('{ id: ME2, text: Set a baseline and a target and track it. }', '{ id: ME2, text: Set a baseline., review: trainer }');
    const compiled = compilePack(withFiles({ '03-learning-areas/02-measuring.md': outcome }));
    if (!compiled.ok) throw new Error(compiled.errors.map(formatError).join('\n'));
    expect(['ME1', 'ME2', 'ME3', 'LI1'].map((id) => compiled.pack.outcomes.get(id)?.review)).toEqual(['self', 'trainer', 'self', 'trainer']);
    expect(compiled.pack.areas.map((a) => [a.id, a.review])).toEqual([['listening', 'trainer'], ['measuring', 'self']]);
    expect(errorsOf(withFiles({ '03-learning-areas/02-measuring.md': area.replace('review: self', 'review: peer') }))).toContainEqual(
      '03-learning-areas/02-measuring.md:13: review: review must be "trainer" or "self"',
    );
    const badOutcome = area.replace('{ id: ME3, text: Evaluate an improvement against its intended outcomes. }', '{ id: ME3, text: x, review: nobody }');
    expect(errorsOf(withFiles({ '03-learning-areas/02-measuring.md': badOutcome }))).toContainEqual(
      expect.stringMatching(/02-measuring\.md:11: .*review must be "trainer" or "self"/),
    );
  });

  it('collects every error rather than stopping at the first', () => {
    const bad1 = caseText.replace('title: The town hall front desk\n', '');
    const bad2 = base.get('01-introduction/01-welcome.md')!.replace('minutes: 10', 'minutes: ten');
    const errors = errorsOf(withFiles({ [CASE]: bad1, '01-introduction/01-welcome.md': bad2 }));
    expect(errors.some((e) => e.startsWith('06-case-studies'))).toBe(true);
    expect(errors.some((e) => e.startsWith('01-introduction'))).toBe(true);
  });

  it('files outside the layout', () => {
    expect(errorsOf(withFiles({ 'elsewhere/x.md': '---\nid: x\n---\n' }))).toContainEqual('elsewhere/x.md:1: not part of the pack layout: files belong in one of the section folders of pack.yaml');
  });
});

describe('content compiler: safety', () => {
  it('refuses ---js front matter and never runs it', () => {
    const marker = '__packway_js_ran__';
    const evil = `---js\n{ id: (globalThis.${marker} = true, 'x'), title: 'x' }\n---\nBody\n`;
    const errors = errorsOf(withFiles({ '01-introduction/02-evil.md': evil }));
    expect(errors).toContainEqual(expect.stringMatching(/02-evil\.md:1: front matter must be YAML/));
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
    const coffee = `---coffee\nid: 'x'\n---\nBody\n`;
    expect(errorsOf(withFiles({ '01-introduction/02-evil.md': coffee }))).toContainEqual(expect.stringMatching(/front matter must be YAML/));
  });

  // no time is asserted: a bomb that expanded would not finish within the test's own timeout
  it('refuses a YAML alias bomb', () => {
    const bomb = ['---', 'id: bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]', '---', 'x'].join('\n');
    expect(errorsOf(withFiles({ '01-introduction/02-bomb.md': bomb }))[0]).toMatch(/02-bomb\.md:\d+: YAML error/);
  });

  it('shows raw HTML as text and drops javascript: links', () => {
    const body = [
      '## Heading',
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1)) [data](data:text/html;base64,AAAA) [ok](https://example.org) [mail](mailto:a@b.org) [rel](/modules/x)',
    ].join('\n\n');
    const text = base.get('01-introduction/01-welcome.md')!.replace(/\n---\n[\s\S]*$/, `\n---\n${body}\n`);
    const result = compilePack(withFiles({ '01-introduction/01-welcome.md': text }));
    if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
    const html = result.pack.modules.get('intro-welcome')!.html;
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/href="(javascript|data):/i);
    expect(html).toContain('href="https://example.org"');
    expect(html).toContain('href="mailto:a@b.org"');
    expect(html).toContain('href="/modules/x"');
  });
});

describe('content compiler: references, standards and timed slides', () => {
  it('refuses a source that is a bare file name, and keeps one a reader can follow', () => {
    const named = caseText.replace(/sources:\n(\s+- .*\n)+/, 'sources:\n  - "002_61076a57cb4faf32.txt (section 4.1)"\n');
    expect(errorsOf(withFiles({ [CASE]: named }))).toContainEqual(expect.stringMatching(/01-town-hall\.md:\d+: sources\.0: .*not a file name/));
    const cited = caseText.replace(/sources:\n(\s+- .*\n)+/, 'sources:\n  - "Cabinet Office (2006). Customer focused leadership. https://example.gov.uk/report.pdf"\n');
    expect(compilePack(withFiles({ [CASE]: cited })).ok).toBe(true);
  });

  it('keeps an outcome standard and a slide time, and the summary names what is missing', () => {
    const AREA = '03-learning-areas/01-listening.md';
    const area = base.get(AREA)!.replace('{ id: LI1, text: Evaluate current provision from two sources of customer evidence. }', '{ id: LI1, text: Evaluate current provision from two sources of customer evidence., standard: A written evaluation citing both sources. }');
    const deck = base.get('08-slides/01-deck.md')!.replace(/^Note: /m, 'Note: Time: 20 minutes. ');
    const result = compilePack(withFiles({ [AREA]: area, '08-slides/01-deck.md': deck }));
    if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
    expect(result.pack.outcomes.get('LI1')!.standard).toBe('A written evaluation citing both sources.');
    expect(result.pack.modules.get('slides-overview')!.slides[0].minutes).toBe(20);
    const summary = summarise(result.pack);
    expect(summary.outcomesWithoutStandard).toEqual(['LI2', 'LI3', 'ME1', 'ME2', 'ME3']);
    expect(summary.decksOffTime).toEqual([]);
    const untimed = compilePack(base);
    if (!untimed.ok) throw new Error('the fixture pack compiles');
    expect(summarise(untimed.pack).decksOffTime).toEqual(['08-slides/01-deck.md: slides add up to 0 of 20 minutes']);
  });
});

describe('content compiler: size limits come before any parsing', () => {
  const intro = '01-introduction/01-welcome.md';
  const introText = base.get(intro)!;

  it('refuses a line over 20,000 characters with file:line, fast (a 1 MiB line of `![` nesting)', () => {
    const lines = introText.split('\n');
    const text = `${introText}\n${'!['.repeat(512 * 1024)}\n`;
    const errors = errorsOf(withFiles({ [intro]: text }));
    expect(errors).toContain(`${intro}:${lines.length + 1}: line too long (1,048,576 characters; the limit is 20,000 characters per line): break it into shorter lines or paragraphs`);
  });

  it('accepts a line of exactly 20,000 characters, and counts a CRLF line without its CR', () => {
    const line = 'word '.repeat(4000);
    expect(line.length).toBe(20_000);
    expect(compilePack(withFiles({ [intro]: `${introText}\n${line}\n` })).ok).toBe(true);
    expect(compilePack(withFiles({ [intro]: `${introText}\n${line}\r\nmore\r\n` })).ok).toBe(true);
    expect(errorsOf(withFiles({ [intro]: `${introText}\n${line}x\n` })).join('\n')).toMatch(/01-welcome\.md:\d+: line too long \(20,001 characters/);
  });

  it('refuses a module of more than 3,000 lines (the variant diff compares line by line)', () => {
    const text = `${introText}\n${'A short line.\n'.repeat(3_100)}`;
    expect(errorsOf(withFiles({ [intro]: text }))).toEqual([`${intro}:3001: too many lines (the limit is 3,000 lines per file): split it into smaller modules`]);
  });

  it('refuses a module over 512 KiB', () => {
    const text = `${introText}\n${`${'Plain words in a paragraph. '.repeat(20)}\n`.repeat(1_000)}`;
    expect(errorsOf(withFiles({ [intro]: text }))).toEqual([
      `${intro}:1: file too large (${Math.ceil(Buffer.byteLength(text) / 1024)} KiB; the limit is 512 KiB per file): split it into smaller modules`,
    ]);
  });

  it('checks pack.yaml too', () => {
    const packYaml = `${base.get('pack.yaml')!}\n# ${'x'.repeat(20_001)}\n`;
    expect(errorsOf(withFiles({ 'pack.yaml': packYaml })).join('\n')).toMatch(/^pack\.yaml:\d+: line too long/);
  });
});
