import type { CodeFrameLine } from '../code-frame.js';
import { plural } from '../verdict.js';
import { anchorId, dataAttributes, esc, link, renderRich, type Rich } from './markup.js';
import { documentHead } from './style.js';

/**
 * The HTML page of any report (static, fuzz, joined): every report builds this model and `renderPage`
 * lays it out the same way. Text in the model is plain text; the renderer escapes all of it.
 */
export interface HtmlPage {
  /** The document title. */
  readonly title: string;
  readonly verdict: HtmlVerdict;
  /** The findings, in groups (by rule, by attack); empty when there are none. */
  readonly groups: readonly HtmlFindingGroup[];
  /** The tools table, or the tool × attack matrix. */
  readonly table: HtmlTable;
  /** What the reader should know that is not a finding. */
  readonly notes: readonly HtmlNote[];
}

/** What the page opens with. */
export interface HtmlVerdict {
  /** The headline's colour: green, red, or amber (warnings only, or a partial analysis). */
  readonly level: 'pass' | 'fail' | 'warn';
  /** The first heading: `✖ 12 problems (9 errors, 3 warnings)`. */
  readonly headline: string;
  /** Paragraphs under the headline (what was analysed, what was only partly analysed). */
  readonly lines: readonly Rich[];
  /** The overview counts, as label and value. */
  readonly counts: readonly { readonly label: string; readonly value: number }[];
}

/** The findings of one rule (or one attack). */
export interface HtmlFindingGroup {
  /** The group's name: a rule id. Also makes its anchor. */
  readonly title: string;
  /** Where the group's documentation is. */
  readonly href?: string;
  /** `3 errors`, `1 error, 2 warnings`. */
  readonly counts: string;
  readonly description?: string;
  readonly findings: readonly HtmlFinding[];
}

/** One finding. */
export interface HtmlFinding {
  /** The element's id, unique in the page (`finding-3`): tables link to it. */
  readonly id: string;
  /** `error`, `warning`: the element's class and its label. */
  readonly severity: string;
  /** `file:line:column`, when the finding has a place in the source. */
  readonly location?: string;
  /** What else locates it: `tool orders_list`, `low confidence`. */
  readonly about: readonly Rich[];
  readonly message: string;
  /** The source around the finding, the reported part marked. */
  readonly frame?: readonly CodeFrameLine[];
  /** A path of steps (a source → sink flow, a request sequence), folded under `summary`. */
  readonly steps?: { readonly summary: string; readonly items: readonly HtmlStep[] };
  /** Machine-readable identity of the finding, as `data-*` attributes (rule, file, line, column, tool). */
  readonly data?: Readonly<Record<string, string>>;
}

/** One step of a finding's path. */
export interface HtmlStep {
  /** `source`, `via`, `sink`. */
  readonly role: string;
  readonly location?: string;
  readonly text: string;
}

/** A table of rows about tools. */
export interface HtmlTable {
  /** The section heading: `Tools`. */
  readonly heading: string;
  /** What one row is, for the fold's summary: `tool`. */
  readonly rowNoun: string;
  readonly columns: readonly { readonly label: string; readonly numeric?: boolean }[];
  /** Rows in report order; flagged rows (with findings) are shown first. */
  readonly rows: readonly HtmlRow[];
  /** What the section says when there are no rows. */
  readonly empty: string;
}

/** A table row: one cell per column. */
export interface HtmlRow {
  readonly cells: readonly Rich[];
  /** The row has findings. */
  readonly flagged: boolean;
}

/** A note, with the file (and position) it is about. */
export interface HtmlNote {
  readonly location?: string;
  readonly message: string;
}

/** Rows shown before the rest of a table is folded into a `<details>`. */
export const tableFoldAfter = 50;

/**
 * One self-contained HTML5 document (inline CSS, no script, a Content-Security-Policy that loads
 * nothing): the verdict, a table of contents of the findings, the findings by group with their code
 * frames and paths, the table (flagged rows first, folded after `tableFoldAfter` rows), then the
 * notes. No trailing newline.
 *
 * @example
 * ```ts
 * const html = renderPage({ title: 'mcify-audit: no problems', verdict, groups: [], table, notes: [] });
 * ```
 */
export function renderPage(page: HtmlPage): string {
  const body = [verdictSection(page.verdict)];
  if (page.groups.length > 0) body.push(contents(page), findingsSection(page.groups));
  body.push(tableSection(page.table));
  if (page.notes.length > 0) body.push(`<section id="notes">\n<h2>Notes</h2>\n${notesList(page.notes)}\n</section>`);
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n${documentHead}\n<title>${esc(page.title)}</title>\n</head>\n<body>\n${body.join('\n')}\n</body>\n</html>`;
}

function verdictSection(verdict: HtmlVerdict): string {
  const counts = verdict.counts.map(({ label, value }) => `<tr><th scope="row">${esc(label)}</th><td class="num">${value}</td></tr>`).join('');
  return [
    `<header id="verdict">`,
    `<h1 class="${verdict.level}">${esc(verdict.headline)}</h1>`,
    ...verdict.lines.map((line) => `<p>${renderRich(line)}</p>`),
    `<table class="overview"><tbody>${counts}</tbody></table>`,
    '</header>',
  ].join('\n');
}

const groupAnchor = (group: HtmlFindingGroup) => `group-${anchorId(group.title)}`;

function contents(page: HtmlPage): string {
  const groups = page.groups.map((group) => `<li><a href="#${groupAnchor(group)}">${esc(group.title)}</a> <span class="muted">${esc(group.counts)}</span></li>`);
  const after = [`<li><a href="#${tableAnchor(page.table)}">${esc(page.table.heading)}</a></li>`, page.notes.length > 0 ? '<li><a href="#notes">Notes</a></li>' : ''];
  return `<nav class="toc" aria-label="Contents">\n<h2>Contents</h2>\n<ol><li><a href="#findings">Findings</a><ol>${groups.join('')}</ol></li>${after.join('')}</ol>\n</nav>`;
}

function findingsSection(groups: readonly HtmlFindingGroup[]): string {
  return ['<section id="findings">', '<h2>Findings</h2>', ...groups.map(groupSection), '</section>'].join('\n');
}

function groupSection(group: HtmlFindingGroup): string {
  const title = group.href === undefined ? esc(group.title) : link(group.href, esc(group.title));
  return [
    `<section class="rule" id="${groupAnchor(group)}">`,
    `<h3>${title} <span class="muted">${esc(group.counts)}</span></h3>`,
    group.description === undefined ? '' : `<p>${esc(group.description)}</p>`,
    ...group.findings.map(findingArticle),
    '</section>',
  ]
    .filter(Boolean)
    .join('\n');
}

function findingArticle(finding: HtmlFinding): string {
  const about = finding.about.map(renderRich).join(', ');
  const parts = [
    `<article class="finding ${esc(finding.severity)}" id="${esc(anchorId(finding.id))}"${dataAttributes(finding.data)}>`,
    `<p><span class="severity">${esc(finding.severity)}</span>${finding.location === undefined ? '' : ` <code>${esc(finding.location)}</code>`}${about === '' ? '' : ` <span class="muted">${about}</span>`}</p>`,
    `<p>${esc(finding.message)}</p>`,
  ];
  if (finding.frame !== undefined) parts.push(`<pre class="frame"><code>${finding.frame.map(frameLine).join('\n')}</code></pre>`);
  if (finding.steps !== undefined && finding.steps.items.length > 0) {
    const items = finding.steps.items.map((step) => `<li><span class="role">${esc(step.role)}</span>${step.location === undefined ? '' : ` <code>${esc(step.location)}</code>`} ${esc(step.text)}</li>`);
    parts.push(`<details><summary>${esc(finding.steps.summary)}</summary><ol>${items.join('')}</ol></details>`);
  }
  parts.push('</article>');
  return parts.join('\n');
}

/** A frame line with its number, the reported part in `<mark>`. */
function frameLine(line: CodeFrameLine): string {
  const number = `<span class="ln">${line.number}</span>`;
  if (line.marker === undefined) return `${number}${esc(line.text)}`;
  const { start, end } = line.marker;
  // The marker may reach one past the text (a caret after the line's end): a space keeps it visible.
  const marked = line.text.slice(start, end).padEnd(end - start);
  return `${number}${esc(line.text.slice(0, start))}<mark>${esc(marked)}</mark>${esc(line.text.slice(end))}`;
}

/** The table section's id: `tools` for `Tools`, `matrix` for `Matrix`. */
const tableAnchor = (table: HtmlTable) => anchorId(table.heading);

function tableSection(table: HtmlTable): string {
  if (table.rows.length === 0) return `<section id="${tableAnchor(table)}">\n<h2>${esc(table.heading)}</h2>\n<p>${esc(table.empty)}</p>\n</section>`;
  // Rows with findings first, each part in report order.
  const rows = [...table.rows.filter((row) => row.flagged), ...table.rows.filter((row) => !row.flagged)];
  const shown = rows.slice(0, tableFoldAfter);
  const folded = rows.slice(tableFoldAfter);
  const parts = [`<section id="${tableAnchor(table)}">`, `<h2>${esc(table.heading)}</h2>`, tableOf(table, shown)];
  if (folded.length > 0) {
    const flagged = folded.filter((row) => row.flagged).length;
    const summary = `${plural(folded.length, `more ${table.rowNoun}`)}${flagged > 0 ? ` (${flagged} with findings)` : ' (none with findings)'}`;
    parts.push(`<details class="more"><summary>${esc(summary)}</summary>\n${tableOf(table, folded)}\n</details>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function tableOf(table: HtmlTable, rows: readonly HtmlRow[]): string {
  const header = `<thead><tr>${table.columns.map((column) => `<th scope="col">${esc(column.label)}</th>`).join('')}</tr></thead>`;
  const row = (entry: HtmlRow) =>
    `<tr${entry.flagged ? ' class="flagged"' : ''}>${entry.cells.map((cell, index) => `<td${table.columns[index]?.numeric === true ? ' class="num"' : ''}>${renderRich(cell)}</td>`).join('')}</tr>`;
  return `<table class="inventory">${header}<tbody>\n${rows.map(row).join('\n')}\n</tbody></table>`;
}

function notesList(notes: readonly HtmlNote[]): string {
  return `<ul>${notes.map((note) => `<li>${note.location === undefined ? '' : `<code>${esc(note.location)}</code>: `}${esc(note.message)}</li>`).join('')}</ul>`;
}
