import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SYSTEM_PYTHON } from './smtp';

// Independent readers for the files Packway exports: LibreOffice (headless) converts them to PDF, poppler reads the
// PDF, and Debian's python3-docx reads a .docx's paragraphs with their styles. None of them shares code with ours.

const run = promisify(execFile);
const SOFFICE_TIMEOUT_MS = 170_000;

export const hasOfficeReaders = (): boolean =>
  ['/usr/bin/soffice', '/usr/bin/pdftotext', '/usr/bin/pdfinfo'].every((file) => fs.existsSync(file));

/**
 * Converts every file to PDF in one LibreOffice run (its start-up is most of the cost), with a throwaway profile so
 * runs never share or corrupt one. `filter` picks an export filter with options, e.g. notes pages for decks.
 * Returns the PDFs' paths in the order given.
 */
export async function convertToPdf(files: readonly string[], filter = 'pdf'): Promise<string[]> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-pdf-'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-lo-'));
  try {
    await run(
      '/usr/bin/soffice',
      [
        `-env:UserInstallation=file://${profile}`,
        '--headless',
        '--norestore',
        '--convert-to',
        filter,
        '--outdir',
        outDir,
        ...files,
      ],
      { timeout: SOFFICE_TIMEOUT_MS },
    );
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return files.map((file) => {
    const pdf = path.join(outDir, `${path.parse(file).name}.pdf`);
    if (!fs.existsSync(pdf)) throw new Error(`LibreOffice did not convert ${file}`);
    return pdf;
  });
}

/** Impress's PDF filter with each slide's notes page after the slides (LibreOffice 7.4+ reads JSON filter options). */
export const PDF_WITH_NOTES = 'pdf:impress_pdf_Export:{"ExportNotesPages":{"type":"boolean","value":"true"}}';

export async function pdfPageCount(pdf: string): Promise<number> {
  const { stdout } = await run('/usr/bin/pdfinfo', [pdf]);
  const match = /^Pages:\s+(\d+)/m.exec(stdout);
  if (!match) throw new Error(`pdfinfo gave no page count for ${pdf}`);
  return Number(match[1]);
}

/** The text of one page (1-based), or of the whole document, as poppler lays it out. */
export async function pdfText(pdf: string, page?: number): Promise<string> {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  const { stdout } = await run('/usr/bin/pdftotext', ['-layout', ...range, pdf, '-']);
  return stdout;
}

export interface DocxParagraph {
  /** The style's name as Word shows it (e.g. `Heading 1`); empty for a paragraph with no style. */
  style: string;
  text: string;
}

const READ_DOCX = `
import json, sys, docx
d = docx.Document(sys.argv[1])
def style(p):
    return p.style.name if p.style is not None else ""
print(json.dumps([{"style": style(p), "text": p.text} for p in d.paragraphs]))
`;

/** Every paragraph of a .docx with its style name, as python-docx reads it. */
export async function docxParagraphs(file: string): Promise<DocxParagraph[]> {
  const { stdout } = await run(SYSTEM_PYTHON, ['-c', READ_DOCX, file], { maxBuffer: 32 * 1024 * 1024 });
  return JSON.parse(stdout) as DocxParagraph[];
}

export interface DocxTable {
  /** Each row's cells' text. */
  rows: string[][];
  /** The table grid's columns' widths added up, in twentieths of a point (what Word lays the table out by). */
  gridWidth: number;
  /** `fixed` when the table keeps its column widths whatever its text, else `autofit`. */
  layout: string;
}

const READ_TABLES = `
import json, sys, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
out = []
for t in d.tables:
    grid = t._tbl.tblGrid
    width = sum(int(c.get(qn("w:w")) or 0) for c in grid.findall(qn("w:gridCol")))
    layout = t._tbl.tblPr.find(qn("w:tblLayout"))
    out.append({
        "rows": [[c.text for c in r.cells] for r in t.rows],
        "gridWidth": width,
        "layout": layout.get(qn("w:type")) if layout is not None else "autofit",
    })
print(json.dumps(out))
`;

/** The body's tables of a .docx (not nested ones), as python-docx reads them. */
export async function docxTables(file: string): Promise<DocxTable[]> {
  const { stdout } = await run(SYSTEM_PYTHON, ['-c', READ_TABLES, file], { maxBuffer: 32 * 1024 * 1024 });
  return JSON.parse(stdout) as DocxTable[];
}

const READ_LINKS = `
import json, sys, docx
d = docx.Document(sys.argv[1])
print(json.dumps([r.target_ref for r in d.part.rels.values() if r.is_external and r.reltype.endswith("/hyperlink")]))
`;

/** The addresses a .docx's live links open (its external hyperlink relationships), as python-docx reads them. */
export async function docxLinks(file: string): Promise<string[]> {
  const { stdout } = await run(SYSTEM_PYTHON, ['-c', READ_LINKS, file]);
  return JSON.parse(stdout) as string[];
}
