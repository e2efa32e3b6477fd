import { escapeHtml } from '../shared/html';
import type { MessageKind } from './messages.repo';

/** A message written and ready to queue: its kind, subject, the two bodies and (optional kinds) the unsubscribe link. */
export interface Draft {
  kind: MessageKind;
  subject: string;
  text: string;
  html: string;
  unsubscribeUrl: string | null;
}

/** Who the service is, as messages name it. */
export interface Sender {
  service: string;
  organisation: string | null;
  publicUrl: string;
}

/** A paragraph, or a list of lines (each may link somewhere). */
type Block = { p: string } | { list: { text: string; url?: string }[] };

interface Letter {
  kind: MessageKind;
  subject: string;
  greeting: string;
  blocks: Block[];
  /** The one clear action. */
  action?: { label: string; url: string };
  after?: string[];
  /** Optional messages: where to change the choice, and the one-click unsubscribe address. */
  unsubscribe?: { settingsUrl: string; url: string; what: string };
}

/** Text from people (names, module titles) on one line: control characters and line breaks become spaces. */
export const oneLine = (text: string) =>
  text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const FONT = 'font-family: Helvetica, Arial, sans-serif;';
const P = `style="${FONT} font-size: 19px; line-height: 1.315789474; margin: 0 0 30px 0; color: #0b0c0c;"`;

function htmlBlock(block: Block): string {
  if ('p' in block) return `<p ${P}>${escapeHtml(block.p)}</p>`;
  const items = block.list
    .map((i) =>
      i.url
        ? `<li><a href="${escapeHtml(i.url)}" style="color: #1d70b8;">${escapeHtml(i.text)}</a></li>`
        : `<li>${escapeHtml(i.text)}</li>`,
    )
    .join('');
  return `<ul style="${FONT} font-size: 19px; line-height: 1.315789474; margin: 0 0 30px 0; padding-left: 20px;">${items}</ul>`;
}

const textBlock = (block: Block) =>
  'p' in block ? block.p : block.list.map((i) => `* ${i.text}${i.url ? `: ${i.url}` : ''}`).join('\n');

/**
 * The GOV.UK email style: the service's name in a black band, short paragraphs, one link as the action, no images.
 * Every text from people is escaped in the HTML and kept on one line where it could reach a header.
 */
export function write(letter: Letter, sender: Sender): Draft {
  const signature = sender.organisation ? `${sender.service}, ${sender.organisation}` : sender.service;
  const text = [
    letter.greeting,
    ...letter.blocks.map(textBlock),
    ...(letter.action ? [`${letter.action.label}:\n${letter.action.url}`] : []),
    ...(letter.after ?? []),
    `${signature}\n${sender.publicUrl}`,
    ...(letter.unsubscribe
      ? [
          `You get these messages about ${letter.unsubscribe.what}. To stop them, open ${letter.unsubscribe.url}` +
            ` or change what you get at ${letter.unsubscribe.settingsUrl}`,
        ]
      : []),
  ].join('\n\n');
  const action = letter.action
    ? `<p ${P}><a href="${escapeHtml(letter.action.url)}" style="color: #1d70b8;">${escapeHtml(letter.action.label)}</a></p>`
    : '';
  const footer = letter.unsubscribe
    ? `<p style="${FONT} font-size: 16px; color: #505a5f;">You get these messages about ${escapeHtml(
        letter.unsubscribe.what,
      )}. <a href="${escapeHtml(letter.unsubscribe.url)}" style="color: #1d70b8;">Stop these messages</a> or ` +
      `<a href="${escapeHtml(letter.unsubscribe.settingsUrl)}" style="color: #1d70b8;">change what you get</a>.</p>`
    : '';
  const html =
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(oneLine(letter.subject))}</title></head>` +
    `<body style="margin: 0; padding: 0;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">` +
    `<tr><td style="background: #0b0c0c; padding: 10px 15px;"><span style="${FONT} font-size: 28px; font-weight: 700; color: #ffffff;">` +
    `${escapeHtml(sender.service)}</span></td></tr>` +
    `<tr><td style="padding: 30px 15px;">` +
    `<p ${P}>${escapeHtml(letter.greeting)}</p>` +
    letter.blocks.map(htmlBlock).join('') +
    action +
    (letter.after ?? []).map((a) => `<p ${P}>${escapeHtml(a)}</p>`).join('') +
    `<p ${P}>${escapeHtml(signature)}</p>` +
    footer +
    `</td></tr></table></body></html>`;
  return {
    kind: letter.kind,
    subject: oneLine(letter.subject),
    text,
    html,
    unsubscribeUrl: letter.unsubscribe?.url ?? null,
  };
}
