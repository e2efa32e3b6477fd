import matter from 'gray-matter';
import { parseDocument, isNode, type Document } from 'yaml';
import type { ContentError } from './types';

export interface ParsedFile {
  data: Record<string, unknown>;
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
  /** Finds the 1-based line of a front-matter path such as ['prompts', 2, 'area']. */
  lineOf(path: readonly (string | number)[]): number;
}

class RefusedEngine extends Error {}

const refuse = (name: string) => () => {
  throw new RefusedEngine(`front matter must be YAML: the "${name}" engine is refused`);
};

/**
 * Splits front matter from the body. Only YAML is accepted: gray-matter's own engines (JavaScript that runs
 * with eval, CoffeeScript, JSON) are all replaced by ones that refuse.
 */
export function parseFrontMatter(file: string, text: string): { parsed?: ParsedFile; errors: ContentError[] } {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!normalised.startsWith('---')) {
    return { errors: [{ file, line: 1, message: 'missing front matter: the file must start with a line `---`' }] };
  }
  let doc: Document | undefined;
  const yamlEngine = (source: string): object => {
    doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) throw doc.errors[0];
    const value = doc.toJS({ maxAliasCount: 50 }) as unknown;
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('front matter must be a YAML mapping');
    return value;
  };
  let result: matter.GrayMatterFile<string>;
  try {
    result = matter(normalised, {
      engines: {
        yaml: yamlEngine,
        javascript: refuse('javascript'),
        js: refuse('js'),
        json: refuse('json'),
        coffee: refuse('coffee'),
        cson: refuse('cson'),
      },
    } as unknown as Parameters<typeof matter>[1]);
  } catch (err) {
    return { errors: [frontMatterError(file, err)] };
  }
  const firstLine = 2; // line 1 is the opening `---`
  const bodyLine = lineAt(normalised, normalised.length - result.content.length);
  const source = (result as { matter?: string }).matter ?? '';
  const offsetInFile = normalised.indexOf(source);
  const lineOf = (path: readonly (string | number)[]): number => {
    let probe = [...path];
    while (probe.length > 0 && doc) {
      const node = doc.getIn(probe, true);
      if (isNode(node) && node.range) return lineAt(normalised, Math.max(0, offsetInFile) + node.range[0]);
      probe = probe.slice(0, -1);
    }
    return firstLine;
  };
  return { parsed: { data: result.data as Record<string, unknown>, body: result.content, bodyLine, lineOf }, errors: [] };
}

function frontMatterError(file: string, err: unknown): ContentError {
  if (err instanceof RefusedEngine) return { file, line: 1, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  if (/engine ".*" is not registered/.test(message)) {
    return { file, line: 1, message: 'front matter must be YAML: unknown front-matter language refused' };
  }
  const linePos = (err as { linePos?: [{ line: number }] }).linePos;
  // The YAML source starts on the `---` line itself, so its line numbers are the file's.
  const line = linePos ? linePos[0].line : 1;
  return { file, line, message: `YAML error: ${message.split('\n')[0]}` };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
