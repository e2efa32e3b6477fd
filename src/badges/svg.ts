/**
 * The badge's image (SVG, made from the area's code and title: no image library needed) and Open Badges 3.0 baking:
 * the signed credential inside the image, in an `openbadges:credential` element whose text is the JSON in CDATA
 * (namespace https://purl.imsglobal.org/ob/v3p0), so the image file alone carries a verifiable badge.
 */
import { escapeHtml } from '../shared/html';

export const OB_BAKING_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';

/** Splits the title over at most three lines of about 18 characters, at spaces. */
function lines(title: string): string[] {
  const out: string[] = [];
  for (const word of title.split(/\s+/).filter(Boolean)) {
    const last = out.length - 1;
    if (last >= 0 && (out[last] + ' ' + word).length <= 18) out[last] += ` ${word}`;
    else out.push(word);
  }
  if (out.length > 3) return [...out.slice(0, 2), `${out.slice(2).join(' ').slice(0, 16)}…`];
  return out;
}

/** The badge image: a GOV.UK-blue roundel with the area's code and title. */
export function badgeSvg(area: { short: string; title: string }, organisation: string): string {
  const title = lines(area.title)
    .map((line, i) => `<tspan x="100" dy="${i === 0 ? 0 : 17}">${escapeHtml(line)}</tspan>`)
    .join('');
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200" role="img"' +
    ` aria-label="${escapeHtml(`${area.title} badge`)}">` +
    `<title>${escapeHtml(`${area.title}: ${organisation}`)}</title>` +
    '<circle cx="100" cy="100" r="96" fill="#1d70b8" stroke="#0b0c0c" stroke-width="4"/>' +
    '<circle cx="100" cy="100" r="82" fill="none" stroke="#ffffff" stroke-width="2"/>' +
    `<text x="100" y="78" fill="#ffffff" font-family="Arial, sans-serif" font-size="30" font-weight="bold"` +
    ` text-anchor="middle">${escapeHtml(area.short)}</text>` +
    `<text x="100" y="108" fill="#ffffff" font-family="Arial, sans-serif" font-size="14" text-anchor="middle">${title}</text>` +
    '</svg>'
  );
}

/** The image as a data URI (what the credential's Achievement names as its image). */
export const svgDataUri = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;

/** The SVG of an `image/svg+xml` data URI, or null. */
export function svgOfDataUri(uri: string): string | null {
  const match = /^data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)$/.exec(uri);
  return match ? Buffer.from(match[1], 'base64').toString('utf8') : null;
}

/**
 * An SVG image with the signed credential baked in: the namespace declared on the root element and the credential
 * its first child. `]]>` in the JSON is split across two CDATA sections so the section cannot end early.
 */
export function bakeSvg(svg: string, credentialJson: string): string {
  const cdata = credentialJson.replaceAll(']]>', ']]]]><![CDATA[>');
  const element = `<openbadges:credential><![CDATA[${cdata}]]></openbadges:credential>`;
  // a function, not a replacement string: `$` in the JSON must stay as written
  return svg.replace(
    /^<svg\b([^>]*)>/,
    (_all, attributes: string) => `<svg xmlns:openbadges="${OB_BAKING_NAMESPACE}"${attributes}>${element}`,
  );
}

/** The credential JSON baked into an SVG, or null when the text is not a baked SVG. */
export function unbakeSvg(svg: string): string | null {
  const match = /<openbadges:credential\b[^>]*>([\s\S]*?)<\/openbadges:credential>/.exec(svg);
  if (!match) return null;
  const inner = match[1].trim();
  if (!inner.startsWith('<![CDATA[')) return null;
  return inner.replace(/<!\[CDATA\[|\]\]>/g, '');
}
