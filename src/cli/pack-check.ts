import path from 'node:path';
import fs from 'node:fs';
import { compilePack, summarise } from '../content/compile';
import { readContentDir } from '../content/load';
import { formatError } from '../content/types';

/** `npm run pack:check -- DIR`: every problem as `file:line: message` (exit 1), or a summary (exit 0). */
function main(argv: string[]): number {
  const dir = path.resolve(argv[0] ?? 'content');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    process.stderr.write(`pack:check: not a folder: ${dir}\n`);
    return 2;
  }
  const started = process.hrtime.bigint();
  const result = compilePack(readContentDir(dir));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!result.ok) {
    for (const e of result.errors) process.stdout.write(`${formatError(e)}\n`);
    process.stdout.write(`${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} found\n`);
    return 1;
  }
  const s = summarise(result.pack);
  process.stdout.write(
    `${result.pack.title} ${result.pack.version}: ${s.sections} sections, ${s.modules} modules, ${s.areas} areas, ` +
      `${s.outcomes} outcomes, ${s.prompts} prompts, ${s.slides} slides, ${s.words} words (compiled in ${ms.toFixed(0)} ms)\n`,
  );
  const notices = [
    ...s.outcomesWithoutStandard.map((id) => `outcome ${id} has no standard (what evidence is enough)`),
    ...s.slidesWithoutNotes.map((where) => `${where} has no speaker notes`),
    ...s.decksOffTime,
  ];
  for (const n of notices) process.stdout.write(`note: ${n}\n`);
  if (notices.length === 0)
    process.stdout.write('every outcome has a standard, every slide has notes, every timed deck adds up\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
