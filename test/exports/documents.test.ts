import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compilePack } from '../../src/content/compile';
import { readContentDir } from '../../src/content/load';
import type { Pack } from '../../src/content/types';
import {
  createDocumentsService,
  DocumentCache,
  type OfficeWriter,
} from '../../src/exports/documents.service';
import { facilitatorGuideDocx, modulesToDocx, sessionPlans } from '../../src/exports/docx';
import type { ExportMeta } from '../../src/exports/meta';
import type { VariantVersionSummary } from '../../src/variants/variants.repo';
import { FIXTURE_PACK } from '../helpers/app';
import { onSqlite } from '../helpers/engine';
import { docxParagraphs } from '../helpers/office';

/**
 * How the facilitator guide reads a session plan's time, and what the documents service asks of its writer: which
 * modules make an area's document, the version line a variant's file carries, and each document written once.
 */

const describeFiles = onSqlite ? describe : describe.skip;

const LISTENING = '03-learning-areas/01-listening.md';
const MEASURING = '03-learning-areas/02-measuring.md';

function fixtureWith(extra: Record<string, string>): Pack {
  const files = new Map(readContentDir(FIXTURE_PACK));
  for (const [file, text] of Object.entries(extra)) files.set(file, `${files.get(file)}\n${text}`);
  const result = compilePack(files);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  return result.pack;
}

const META: ExportMeta = {
  packTitle: 'Fixture pack',
  packVersion: '0.1.0',
  variant: null,
  organisationName: 'Borsetshire County Council',
};

describeFiles('session plans in the facilitator guide', () => {
  const pack = fixtureWith({
    // a time stated in words, no table
    [LISTENING]:
      '## Session plan\n\nA 45-minute session.\n\n### Notes\n\n- Start on time.\n\n## Where next\n\nElsewhere.',
    // a table of minutes: its rows added up, whatever the words say
    [MEASURING]: [
      '## Session plan',
      '',
      'A 60-minute session.',
      '',
      '| Minutes | Activity |',
      '| --- | --- |',
      '| 10 | Opening |',
      '| 25 | Exercise |',
    ].join('\n'),
  });

  it('takes a table’s minutes before the time the text states, and the stated time without a table', () => {
    const plans = sessionPlans(pack);
    expect(plans.map((p) => [p.title, p.minutes])).toEqual(
      pack.areas.map((a) => [a.title, a.id === 'listening' ? 45 : 35]),
    );
    // the plan runs to the next `##` and no further
    const listening = plans[pack.areas.findIndex((a) => a.id === 'listening')];
    expect(listening.blocks.map((b) => b.kind)).toEqual(['paragraph', 'heading', 'list']);
  });

  it('says when an area has no session plan, and still writes the guide', async () => {
    const bare = fixtureWith({});
    expect(sessionPlans(bare).every((p) => p.minutes === null && p.blocks.length === 0)).toBe(true);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'packway-guide-')), 'guide.docx');
    fs.writeFileSync(file, await facilitatorGuideDocx(bare, META));
    const paragraphs = await docxParagraphs(file);
    expect(paragraphs.filter((p) => p.style === 'Heading 1').map((p) => p.text)).toEqual(
      bare.areas.map((a, i) => `Session ${i + 1}: ${a.title} (no session plan)`),
    );
    expect(paragraphs.map((p) => p.text)).toContain(
      'This learning area has no session plan in this version of the pack.',
    );
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});

describeFiles('a document of nothing', () => {
  it('says a section with every module hidden has none, and is still a document', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'packway-empty-')), 'empty.docx');
    fs.writeFileSync(file, await modulesToDocx('An emptied section', [], fixtureWith({}), META));
    expect(await docxParagraphs(file)).toEqual([
      { style: 'Title', text: 'An emptied section' },
      { style: 'Hint', text: 'From Fixture pack 0.1.0' },
      { style: '', text: 'There are no modules here in this version of the pack.' },
    ]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});

describeFiles('the documents service', () => {
  const base = fixtureWith({});
  const variant = fixtureWith({ [LISTENING]: 'In Northshire we say residents.' });
  const calls: { title: string; modules: string[]; meta: ExportMeta }[] = [];
  const writer: OfficeWriter = {
    modulesToDocx: async (title, modules, _pack, meta) => {
      calls.push({ title, modules: modules.map((m) => m.id), meta });
      return Buffer.from(`${title} ${calls.length}`);
    },
    facilitatorGuideDocx: async () => Buffer.from('guide'),
    deckToPptx: async (deck) => Buffer.from(`deck ${deck.id}`),
  };
  const summary = (over: Partial<VariantVersionSummary>): VariantVersionSummary => ({
    id: 1,
    variantId: 1,
    name: 'Northshire',
    status: 'published',
    version: 1,
    hash: variant.hash,
    createdAt: new Date(0),
    publishedAt: new Date(0),
    ...over,
  });
  let versions: VariantVersionSummary[] = [];
  const documents = createDocumentsService({
    base,
    versions: async () => versions,
    writer,
    organisationName: 'Borsetshire County Council',
    siteUrl: 'https://packway.example.org',
  });

  beforeEach(() => (calls.length = 0));

  it('writes each document once per pack, however often it is asked for', async () => {
    const [a, b] = await Promise.all([
      documents.moduleDocument(base, 'area-listening'),
      documents.moduleDocument(base, 'area-listening'),
    ]);
    expect(a.bytes).toBe(b.bytes);
    expect(a.filename).toBe('area-listening.docx');
    expect(calls).toHaveLength(1);
    expect(calls[0].meta.variant).toBeNull();
  });

  it('names the variant and version a pack was compiled from, and a draft as the version it will be', async () => {
    versions = [summary({ id: 2, status: 'draft', version: null }), summary({})];
    expect((await documents.metaFor(variant)).variant).toEqual({ name: 'Northshire', version: 1 });
    const draft = fixtureWith({ [LISTENING]: 'A draft.' });
    versions = [summary({ id: 3, status: 'draft', version: null, hash: draft.hash }), summary({})];
    expect((await documents.metaFor(draft)).variant).toEqual({ name: 'Northshire (draft)', version: 2 });
  });

  it('makes an area’s document of its module and what serves that area alone', async () => {
    const file = await documents.areaDocument(base, 'listening');
    expect(file.filename).toBe('listening-learning-area.docx');
    const area = base.areas.find((a) => a.id === 'listening')!;
    const alone = [...base.modules.values()]
      .filter((m) => (m.kind === 'activity' || m.kind === 'case-study') && m.areas.join() === 'listening')
      .map((m) => m.id);
    expect(alone).toHaveLength(1);
    expect(calls[0]).toMatchObject({ title: area.title, modules: [area.moduleId, ...alone] });
    // the introduction and the deck tagged with this area alone are not part of it; the shared case study neither
    expect(calls[0].modules).not.toContain('intro-welcome');
  });

  it('refuses unknown modules, sections and areas as not found', async () => {
    await expect(documents.moduleDocument(base, 'nope')).rejects.toMatchObject({ status: 404 });
    await expect(documents.sectionDocument(base, 'nope')).rejects.toMatchObject({ status: 404 });
    await expect(documents.areaDocument(base, 'nope')).rejects.toMatchObject({ status: 404 });
  });
});

describe('the cache of written documents', () => {
  const bytes = (n: number) => Buffer.alloc(n, 1);

  it('drops what was asked for least recently once over its size, never one being written', async () => {
    const cache = new DocumentCache(250);
    let writes = 0;
    const write = (n: number) => async () => {
      writes++;
      return bytes(n);
    };
    await cache.get('a', write(100));
    await cache.get('b', write(100));
    await cache.get('a', write(100)); // a is now the most recent
    expect(writes).toBe(2);
    await cache.get('c', write(100)); // 300 bytes: b goes
    expect(cache.size).toEqual({ documents: 2, bytes: 200 });
    await cache.get('a', write(100));
    expect(writes).toBe(3);
    await cache.get('b', write(100));
    expect(writes).toBe(4);
  });

  it('writes once for everyone asking at the same time, and keeps no failure', async () => {
    const cache = new DocumentCache(1000);
    let writes = 0;
    let fail = true;
    const write = async () => {
      writes++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('disk full');
      return bytes(10);
    };
    const asked = await Promise.allSettled([cache.get('x', write), cache.get('x', write)]);
    expect(asked.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    expect(writes).toBe(1);
    fail = false;
    expect(await cache.get('x', write)).toHaveLength(10);
    expect(writes).toBe(2);
  });
});
