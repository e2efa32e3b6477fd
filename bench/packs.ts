import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

const AREAS = [
  'shared-purpose',
  'empowerment',
  'customer-advocacy',
  'listening',
  'measuring',
  'agility',
  'co-production',
];
const SHORT = ['SP', 'EA', 'CA', 'LI', 'ME', 'AG', 'CP'];

function paragraph(i: number): string {
  return `Paragraph ${i}: leaders test each change with the people who use the service, then keep what works and stop what does not. `.repeat(
    4,
  );
}

function moduleBody(n: number, paragraphs: number): string {
  const parts: string[] = [];
  for (let i = 0; i < paragraphs; i++) {
    if (i % 3 === 0) parts.push(`## Part ${n}.${i}`);
    parts.push(paragraph(i), `- a point with a [link](https://example.org/${n}/${i})\n- another point`);
  }
  return parts.join('\n\n');
}

/** Writes a generated pack with `modules` case-study modules (plus the seven areas) and returns its folder. */
export function writeGeneratedPack(dir: string, modules: number): string {
  fs.mkdirSync(path.join(dir, '01-areas'), { recursive: true });
  fs.mkdirSync(path.join(dir, '02-cases'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'pack.yaml'),
    `id: generated\ntitle: Generated pack\nversion: 1.0.0\nsections:\n  - { dir: 01-areas, id: areas, title: Areas, kind: learning-area }\n  - { dir: 02-cases, id: cases, title: Cases, kind: case-study }\n`,
  );
  AREAS.forEach((area, i) => {
    const outcomes = [1, 2, 3, 4, 5]
      .map((k) => `  - { id: ${SHORT[i]}${k}, text: "Outcome ${k} of ${area}" }`)
      .join('\n');
    fs.writeFileSync(
      path.join(dir, '01-areas', `${String(i + 1).padStart(2, '0')}-${area}.md`),
      `---\nid: area-${area}\ntitle: Area ${area}\nsummary: The ${area} area.\nminutes: 30\narea: { id: ${area}, short: ${SHORT[i]} }\nareas: [${area}]\noutcomes:\n${outcomes}\n---\n${moduleBody(i, 6)}\n`,
    );
  });
  for (let n = 1; n <= modules; n++) {
    const prompts = AREAS.map(
      (area) => `  - { id: p-${area}, area: ${area}, question: "What does case ${n} teach about ${area}?" }`,
    ).join('\n');
    fs.writeFileSync(
      path.join(dir, '02-cases', `${String(n).padStart(4, '0')}-case.md`),
      `---\nid: case-${n}\ntitle: Case ${n}\nsummary: Generated case ${n}.\nminutes: 45\nareas: [${AREAS.join(', ')}]\noutcomes: [SP1, LI2]\nprompts:\n${prompts}\nsources:\n  - "Generated for the benchmark"\n---\n${moduleBody(n, 9)}\n`,
    );
  }
  return dir;
}

/** A stored (uncompressed) zip of about `bytes` bytes: local case studies added to the case-study section. */
export async function variantZip(bytes: number, caseStudyDir: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const perFile = 500 * 1024; // under the compiler's 512 KiB limit per file
  const files = Math.ceil(bytes / perFile);
  for (let n = 1; n <= files; n++) {
    const prompts = AREAS.map(
      (area) =>
        `  - { id: p-${area}, area: ${area}, question: "What does this local case teach about ${area}?" }`,
    ).join('\n');
    const head = `---\nid: case-local-${n}\ntitle: Local case ${n}\nsummary: A long local case study.\nminutes: 60\nareas: [${AREAS.join(', ')}]\noutcomes: []\nprompts:\n${prompts}\nsources:\n  - "Generated for the benchmark"\n---\n`;
    let body = '';
    let i = 0;
    while (head.length + body.length < perFile)
      body += `${i % 3 === 0 ? `## Part ${i}\n\n` : ''}${paragraph(i++)}\n\n`;
    zip.addBuffer(Buffer.from(head + body), `${caseStudyDir}/9${String(n).padStart(2, '0')}-local-${n}.md`, {
      compress: false,
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
