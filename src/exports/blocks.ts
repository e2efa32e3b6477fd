import { markdownTokens } from '../content/markdown';

// The pack's Markdown as a small tree of blocks and styled runs: what the Word and PowerPoint writers need, with
// nothing of HTML. Built from the same tokens as the pages, so links the pages drop are dropped here too.

type Token = ReturnType<typeof markdownTokens>[number];

export interface Run {
  readonly text: string;
  readonly bold?: boolean;
  readonly italic?: boolean;
  readonly code?: boolean;
  /** A live link's address (only the addresses the pages would link). */
  readonly href?: string;
  /** A line break inside the paragraph. */
  readonly lineBreak?: boolean;
}

export interface ListItem {
  readonly blocks: readonly Block[];
}

export type Block =
  | { readonly kind: 'heading'; readonly level: number; readonly runs: readonly Run[] }
  | { readonly kind: 'paragraph'; readonly runs: readonly Run[] }
  | {
      readonly kind: 'list';
      readonly ordered: boolean;
      readonly start: number;
      readonly items: readonly ListItem[];
    }
  | {
      readonly kind: 'table';
      readonly header: readonly (readonly Run[])[];
      readonly rows: readonly (readonly (readonly Run[])[])[];
    }
  | { readonly kind: 'quote'; readonly blocks: readonly Block[] }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'rule' };

/** Parses Markdown (a module's body, a slide, a note) into blocks. */
export function markdownToBlocks(source: string): Block[] {
  const tokens = markdownTokens(source);
  const cursor = { i: 0 };
  return readBlocks(tokens, cursor, null);
}

/** The plain text of some runs (a heading's text, a table cell's text). */
export const runsText = (runs: readonly Run[]): string =>
  runs.map((r) => (r.lineBreak ? '\n' : r.text)).join('');

function readBlocks(tokens: readonly Token[], cursor: { i: number }, closing: string | null): Block[] {
  const blocks: Block[] = [];
  while (cursor.i < tokens.length) {
    const token = tokens[cursor.i];
    if (closing !== null && token.type === closing) {
      cursor.i += 1;
      return blocks;
    }
    const block = readBlock(tokens, cursor);
    if (block) blocks.push(block);
  }
  return blocks;
}

function readBlock(tokens: readonly Token[], cursor: { i: number }): Block | null {
  const token = tokens[cursor.i];
  cursor.i += 1;
  switch (token.type) {
    case 'heading_open':
      return {
        kind: 'heading',
        level: Number(token.tag.slice(1)),
        runs: inlineUntil(tokens, cursor, 'heading_close'),
      };
    case 'paragraph_open':
      return { kind: 'paragraph', runs: inlineUntil(tokens, cursor, 'paragraph_close') };
    case 'bullet_list_open':
    case 'ordered_list_open':
      return readList(tokens, cursor, token);
    case 'table_open':
      return readTable(tokens, cursor);
    case 'blockquote_open':
      return { kind: 'quote', blocks: readBlocks(tokens, cursor, 'blockquote_close') };
    case 'fence':
    case 'code_block':
      return { kind: 'code', text: token.content.replace(/\n$/, '') };
    case 'hr':
      return { kind: 'rule' };
    default:
      return null;
  }
}

function readList(tokens: readonly Token[], cursor: { i: number }, open: Token): Block {
  const ordered = open.type === 'ordered_list_open';
  const close = ordered ? 'ordered_list_close' : 'bullet_list_close';
  const items: ListItem[] = [];
  while (cursor.i < tokens.length && tokens[cursor.i].type !== close) {
    if (tokens[cursor.i].type === 'list_item_open') {
      cursor.i += 1;
      items.push({ blocks: readBlocks(tokens, cursor, 'list_item_close') });
    } else cursor.i += 1;
  }
  cursor.i += 1;
  return { kind: 'list', ordered, start: Number(open.attrGet('start') ?? 1), items };
}

function readTable(tokens: readonly Token[], cursor: { i: number }): Block {
  const header: Run[][] = [];
  const rows: Run[][][] = [];
  let row: Run[][] | null = null;
  let inHead = false;
  while (cursor.i < tokens.length && tokens[cursor.i].type !== 'table_close') {
    const token = tokens[cursor.i];
    cursor.i += 1;
    if (token.type === 'thead_open') inHead = true;
    else if (token.type === 'thead_close') inHead = false;
    else if (token.type === 'tr_open') row = [];
    else if (token.type === 'tr_close' && row) {
      if (inHead) header.push(...row);
      else rows.push(row);
      row = null;
    } else if (token.type === 'inline' && row) row.push(inlineRuns(token.children ?? []));
  }
  cursor.i += 1;
  return { kind: 'table', header, rows };
}

function inlineUntil(tokens: readonly Token[], cursor: { i: number }, close: string): Run[] {
  let runs: Run[] = [];
  while (cursor.i < tokens.length && tokens[cursor.i].type !== close) {
    const token = tokens[cursor.i];
    if (token.type === 'inline') runs = inlineRuns(token.children ?? []);
    cursor.i += 1;
  }
  cursor.i += 1;
  return runs;
}

interface Style {
  bold: number;
  italic: number;
  href: string | null;
}

function inlineRuns(children: readonly Token[]): Run[] {
  const runs: Run[] = [];
  const style: Style = { bold: 0, italic: 0, href: null };
  const push = (text: string, extra: Partial<Run> = {}) => {
    if (text === '' && !extra.lineBreak) return;
    runs.push({
      text,
      ...(style.bold > 0 ? { bold: true } : {}),
      ...(style.italic > 0 ? { italic: true } : {}),
      ...(style.href !== null ? { href: style.href } : {}),
      ...extra,
    });
  };
  for (const child of children) applyInline(child, style, push);
  return runs;
}

function applyInline(child: Token, style: Style, push: (text: string, extra?: Partial<Run>) => void): void {
  switch (child.type) {
    case 'text':
      return push(child.content);
    case 'code_inline':
      return push(child.content, { code: true });
    case 'softbreak':
      return push(' ');
    case 'hardbreak':
      return push('', { lineBreak: true });
    case 'strong_open':
      style.bold += 1;
      return;
    case 'strong_close':
      style.bold -= 1;
      return;
    case 'em_open':
      style.italic += 1;
      return;
    case 'em_close':
      style.italic -= 1;
      return;
    case 'link_open':
      style.href = String(child.attrGet('href') ?? '');
      return;
    case 'link_close':
      style.href = null;
      return;
    case 'image':
      // Office cannot reach the pack's relative image paths; the alternative text keeps the meaning.
      return push(`[Image: ${child.content || child.attrGet('alt') || 'no description'}]`);
    default:
      if (child.content) push(child.content);
  }
}
