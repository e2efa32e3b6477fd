import yauzl from 'yauzl';
import yazl from 'yazl';

// pptxgenjs writes a paragraph's properties (<a:pPr>) again before every run of the paragraph, not only first as the
// schema allows (CT_TextParagraph: at most one pPr, before the runs). PowerPoint then offers to "repair" the file,
// and LibreOffice takes the last pPr, so a bullet or a level set on the first run is lost whenever a paragraph has
// bold, italic or a link in it. This rewrites the parts that hold text with only each paragraph's first pPr, and
// compresses the file while it is at it. pptxgenjs also writes a slide's notes as one run with line breaks inside
// its text, which Office shows as one paragraph: each line becomes a paragraph of its own, in the pages' language.

const PARAGRAPH = /<a:p>([\s\S]*?)<\/a:p>/g;
const PPR = /<a:pPr\b[^>]*?(?:\/>|>[\s\S]*?<\/a:pPr>)/g;
/** The parts that hold text: slides, notes, layouts and masters. */
const TEXT_PART = /^ppt\/(slides|notesSlides|slideLayouts|slideMasters|notesMasters)\/[^/]+\.xml$/;
const NOTES_PART = /^ppt\/notesSlides\/[^/]+\.xml$/;
/** A plain run (no formatting but its language) whose text has line breaks: what pptxgenjs makes of notes. */
const NOTES_RUN = /<a:r><a:rPr lang="en-US" dirty="0"\/><a:t>([^<]*\n[^<]*)<\/a:t><\/a:r>/g;

/** One paragraph's properties, kept only where the schema allows them: first, before any run. */
export function onePropertiesPerParagraph(xml: string): string {
  return xml.replace(PARAGRAPH, (_whole, inner: string) => {
    let first = true;
    const kept = inner.replace(PPR, (ppr: string, offset: number) => {
      const keep = first && offset === 0;
      first = false;
      return keep ? ppr : '';
    });
    return `<a:p>${kept}</a:p>`;
  });
}

/** Notes written as one run with line breaks, as one paragraph a line. */
export function notesParagraphs(xml: string, lang: string): string {
  return xml.replace(NOTES_RUN, (_whole, text: string) =>
    text
      .split(/\r?\n/)
      .map((line) => `<a:r><a:rPr lang="${lang}" dirty="0"/><a:t>${line}</a:t></a:r>`)
      .join('</a:p><a:p>'),
  );
}

/** The .pptx with every text part's paragraphs made valid, deflated. */
export async function repairPptx(file: Buffer, lang: string): Promise<Buffer> {
  const entries = await readAll(file);
  const out = new yazl.ZipFile();
  // folders need no entries of their own in a package
  for (const { name, data, mtime } of entries.filter((e) => !e.name.endsWith('/'))) {
    let fixed = data;
    if (TEXT_PART.test(name)) {
      const xml = onePropertiesPerParagraph(data.toString('utf8'));
      fixed = Buffer.from(NOTES_PART.test(name) ? notesParagraphs(xml, lang) : xml, 'utf8');
    }
    out.addBuffer(fixed, name, { mtime, compress: true });
  }
  out.end();
  return await collect(out.outputStream);
}

interface Part {
  name: string;
  data: Buffer;
  mtime: Date;
}

function readAll(file: Buffer): Promise<Part[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('pptxgenjs wrote no zip'));
      const parts: Part[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (openErr, stream) => {
          if (openErr || !stream) return reject(openErr ?? new Error(`unreadable part ${entry.fileName}`));
          collect(stream)
            .then((data) => {
              parts.push({ name: entry.fileName, data, mtime: entry.getLastModDate() });
              zip.readEntry();
            })
            .catch(reject);
        });
      });
      zip.on('end', () => resolve(parts));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
