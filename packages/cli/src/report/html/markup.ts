import { printable } from '../printable.js';

const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Any text as HTML character data or a quoted attribute value: the five characters that carry meaning
 * in either become references, and control characters become visible (see `printable`).
 */
export function esc(text: string): string {
  return printable(text).replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

/** How a piece of text is coloured: good, bad, a warning, or secondary. */
export type Tone = 'yes' | 'no' | 'warn' | 'muted';

/**
 * A piece of inline content, escaped when rendered: plain text, code, toned text, a link, or a line
 * break. A link goes to an anchor of the page (`#…`) or to an `https:` page a reader opens (see
 * `safeHref`); a page loads nothing from either.
 */
export type Inline =
  | string
  | { readonly code: string }
  | { readonly tone: Tone; readonly content: Rich }
  | { readonly href: string; readonly content: Rich }
  | { readonly lineBreak: true };

/** Inline content: one piece or a sequence. */
export type Rich = Inline | readonly Inline[];

/** A line break inside a cell (between the scope gates of a tool, say). */
export const lineBreak: Inline = { lineBreak: true };

/** Code items joined by `separator` (`, ` or a line break), or a muted dash when there are none. */
export function codeList(items: readonly string[], separator: Inline): Rich {
  if (items.length === 0) return { tone: 'muted', content: '—' };
  return items.flatMap((item, index) => (index === 0 ? [{ code: item }] : [separator, { code: item }]));
}

function isSequence(content: Rich): content is readonly Inline[] {
  return Array.isArray(content);
}

/** Inline content as HTML, everything escaped. */
export function renderRich(content: Rich): string {
  if (isSequence(content)) return content.map(renderRich).join('');
  if (typeof content === 'string') return esc(content);
  if ('code' in content) return `<code>${esc(content.code)}</code>`;
  if ('tone' in content) return `<span class="${content.tone}">${renderRich(content.content)}</span>`;
  if ('href' in content) return link(content.href, renderRich(content.content));
  return '<br>';
}

/** `data-*` attributes, names reduced to lowercase letters, digits and dashes, values escaped. */
export function dataAttributes(data: Readonly<Record<string, string>> | undefined): string {
  if (data === undefined) return '';
  return Object.entries(data)
    .map(([name, value]) => ` data-${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}="${esc(value)}"`)
    .join('');
}

/** An anchor id made of lowercase letters, digits and dashes (`mcify/scoped-queries` → `mcify-scoped-queries`). */
export function anchorId(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Whether a link target is one a report may have: an anchor of the page, or an `https:` page. */
export function safeHref(href: string): boolean {
  return /^#[a-z0-9-]+$/.test(href) || /^https:\/\/[^\s"'<>]+$/.test(href);
}

/** `html` as a link to `href`, or as it is when `href` is not a link a report may have. */
export function link(href: string, html: string): string {
  return safeHref(href) ? `<a href="${esc(href)}">${html}</a>` : html;
}
