import MarkdownIt from 'markdown-it';

type Renderer = InstanceType<typeof MarkdownIt>;
import type { Heading } from './types';

const SAFE_LINK = /^(https?:|mailto:|[/#.?]|[^:]*$)/i;

/** Only http(s), mailto and relative links survive; everything else (javascript:, data:, vbscript:) is dropped. */
export function isSafeLink(url: string): boolean {
  const trimmed = url.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return /^(https?|mailto):/i.test(trimmed);
  return SAFE_LINK.test(trimmed);
}

export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9\s-]/g, '')
      .trim()
      .replace(/[\s-]+/g, '-') || 'section'
  );
}

function createRenderer(): Renderer {
  // html: false — raw HTML in content (including uploaded variants) is shown as text, never rendered.
  const md = new MarkdownIt({ html: false, linkify: false, typographer: true });
  md.validateLink = isSafeLink;
  addGovukClasses(md);
  return md;
}

const CLASSES: Record<string, string> = {
  heading_open_h2: 'govuk-heading-l',
  heading_open_h3: 'govuk-heading-m',
  heading_open_h4: 'govuk-heading-s',
  paragraph_open: 'govuk-body',
  bullet_list_open: 'govuk-list govuk-list--bullet',
  ordered_list_open: 'govuk-list govuk-list--number',
  table_open: 'govuk-table',
  thead_open: 'govuk-table__head',
  tr_open: 'govuk-table__row',
  th_open: 'govuk-table__header',
  td_open: 'govuk-table__cell',
  link_open: 'govuk-link',
  blockquote_open: 'govuk-inset-text',
  hr: 'govuk-section-break govuk-section-break--m govuk-section-break--visible',
};

function addGovukClasses(md: Renderer): void {
  md.core.ruler.push('govuk_classes', (state) => {
    const visit = (tokens: typeof state.tokens) => {
      for (const token of tokens) {
        const key = token.type === 'heading_open' ? `heading_open_${token.tag}` : token.type;
        const cls = CLASSES[key];
        if (cls) token.attrJoin('class', cls);
        if (token.type === 'link_open' && /^https?:/i.test(String(token.attrGet('href') ?? ''))) {
          token.attrSet('rel', 'noopener noreferrer');
        }
        if (token.children) visit(token.children);
      }
    };
    visit(state.tokens);
  });
}

const renderer = createRenderer();

export interface RenderedMarkdown {
  html: string;
  headings: Heading[];
  words: number;
}

/** Renders Markdown to safe HTML with an id on every heading, and counts its words. */
export function renderMarkdown(source: string): RenderedMarkdown {
  const env = {};
  const tokens = renderer.parse(source, env);
  const headings: Heading[] = [];
  const used = new Map<string, number>();
  let words = 0;
  tokens.forEach((token, i) => {
    if (token.type === 'inline') words += countWords(token.content);
    if (token.type !== 'heading_open') return;
    const text = tokens[i + 1]?.content ?? '';
    const base = slugify(text);
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    const anchor = n === 0 ? base : `${base}-${n + 1}`;
    token.attrSet('id', anchor);
    headings.push({ level: Number(token.tag.slice(1)), text, anchor });
  });
  return { html: renderer.renderer.render(tokens, renderer.options, env), headings, words };
}

export function countWords(text: string): number {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).length;
}

/** Renders a short inline text (a question, a label) safely. */
export function renderInline(source: string): string {
  return renderer.renderInline(source);
}

/** The tokens the page renderer sees, for writers of other formats (Word, PowerPoint): same parser, same link rules. */
export function markdownTokens(source: string): ReturnType<Renderer['parse']> {
  return renderer.parse(source, {});
}
