import { renderMarkdown } from './markdown';
import type { Slide } from './types';

export interface SlideSource {
  markdown: string;
  notes: string;
  /** 0-based line of the slide's start within the body. */
  line: number;
}

/** Splits a deck body on lines holding only `---`; speaker notes follow a line starting `Note:`. */
export function splitSlides(body: string): SlideSource[] {
  const lines = body.split('\n');
  const slides: SlideSource[] = [];
  let start = 0;
  const flush = (end: number) => {
    const chunk = lines.slice(start, end).join('\n');
    if (chunk.trim()) slides.push({ ...splitNotes(chunk), line: start });
  };
  lines.forEach((line, i) => {
    if (/^---\s*$/.test(line)) {
      flush(i);
      start = i + 1;
    }
  });
  flush(lines.length);
  return slides;
}

function splitNotes(chunk: string): { markdown: string; notes: string } {
  const match = /^Notes?:[ \t]*/m.exec(chunk);
  if (!match) return { markdown: chunk.trim(), notes: '' };
  return { markdown: chunk.slice(0, match.index).trim(), notes: chunk.slice(match.index + match[0].length).trim() };
}

export function renderSlide(source: SlideSource): Slide {
  const rendered = renderMarkdown(source.markdown);
  return {
    title: rendered.headings[0]?.text ?? '',
    html: rendered.html,
    notesHtml: source.notes ? renderMarkdown(source.notes).html : '',
    minutes: minutesOf(source.notes),
  };
}

function minutesOf(notes: string): number | null {
  const match = /^Time:\s*(\d+)\s*minutes?\b/i.exec(notes);
  return match ? Number(match[1]) : null;
}
