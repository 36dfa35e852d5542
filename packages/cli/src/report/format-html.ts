import { ruleDocsUrl } from '@mcify-audit/analyzer';
import { codeFrame, sourceLines, type CodeFrameLine } from './code-frame.js';
import { findingsByRule, flowPath, positionOf, type RuleGroup } from './finding-view.js';
import { dataAccessSummary, inventoryColumns, noToolsMessage, notesAfterInventory, overviewCounts, summarizeTools, type ToolSummary } from './inventory-summary.js';
import { printable } from './printable.js';
import type { ReportFinding, Formatter, ReportNote } from './report.js';
import { plural, verdictOf } from './verdict.js';

const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Any text as HTML character data or a quoted attribute value: the five characters that carry meaning
 * in either become references, and control characters become visible (see `printable`).
 */
function esc(text: string): string {
  return printable(text).replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

// A Content-Security-Policy that forbids everything but the inline style: should a string ever get
// through unescaped, a browser still runs no script and loads nothing.
const head = `<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">`;

const style = `<style>
:root { color-scheme: light dark; --error: #c62828; --warning: #b26a00; --ok: #2e7d32; --muted: #6b7280; --line: #d0d7de; --mark-error: #ffd7d5; --mark-warning: #fff1c2; }
@media (prefers-color-scheme: dark) { :root { --error: #ff7b72; --warning: #e3b341; --ok: #56d364; --muted: #8b949e; --line: #30363d; --mark-error: #5a1e1e; --mark-warning: #4d3b00; } }
body { font: 14px/1.5 system-ui, sans-serif; max-width: 1200px; margin: 2rem auto; padding: 0 1rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
h1.fail { color: var(--error); } h1.pass { color: var(--ok); }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; }
.yes { color: var(--ok); } .no, .unscoped { color: var(--error); } .muted, .ln { color: var(--muted); }
.finding { border-left: 4px solid var(--line); margin: 1rem 0; padding: .25rem .75rem; }
.finding.error { border-color: var(--error); } .finding.warning { border-color: var(--warning); }
.severity { font-weight: bold; text-transform: uppercase; font-size: 11px; }
.error .severity { color: var(--error); } .warning .severity { color: var(--warning); }
pre.frame { overflow-x: auto; padding: .5rem; border: 1px solid var(--line); tab-size: 4; }
.ln { display: inline-block; min-width: 4ch; text-align: right; margin-right: 1ch; user-select: none; }
.error mark { background: var(--mark-error); color: inherit; } .warning mark { background: var(--mark-warning); color: inherit; }
.role { display: inline-block; min-width: 6ch; color: var(--muted); }
</style>`;

/**
 * One self-contained HTML5 document (inline CSS, no script, nothing loaded from elsewhere) with the
 * content of the Markdown format: the verdict and overview counts, the tool inventory table, the
 * findings grouped by rule with a code frame of each (read through `context.sourceOf`; none when
 * unreadable) and their source→sink flows, then the notes. Everything from the report and the source
 * is escaped. No trailing newline.
 *
 * @example
 * ```ts
 * await writeFile('mcify-audit.html', formatHtml(report, { cwd, sourceOf, color: false }));
 * ```
 */
export const formatHtml: Formatter = (report, context) => {
  const verdict = verdictOf(report);
  const tools = summarizeTools(report);
  const linesOf = sourceLines(context);
  const headline = `${verdict.clean ? '✔' : '✖'} ${verdict.problems}`;
  const body = [
    `<h1 class="${verdict.clean ? 'pass' : 'fail'}">${esc(headline)}</h1>`,
    `<p>${esc(verdict.scope)} analysed by mcify-audit ${esc(report.tool.version)}.</p>`,
    `<table class="overview"><tbody>${overviewCounts(report, tools)
      .map(({ label, value }) => `<tr><th scope="row">${esc(label)}</th><td class="num">${value}</td></tr>`)
      .join('')}</tbody></table>`,
    '<section>\n<h2>Tools</h2>',
    tools.length === 0 ? `<p>${esc(noToolsMessage)}</p>` : inventoryTable(tools),
    '</section>',
  ];
  if (report.findings.length > 0) {
    body.push('<section>\n<h2>Findings</h2>', ...findingsByRule(report.findings).map((group) => ruleSection(group, linesOf)), '</section>');
  }
  if (notesAfterInventory(report).length > 0) body.push('<section>\n<h2>Notes</h2>', notesList(notesAfterInventory(report)), '</section>');
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n${head}\n<title>${esc(`mcify-audit: ${verdict.problems}`)}</title>\n${style}\n</head>\n<body>\n${body.join('\n')}\n</body>\n</html>`;
};

function inventoryTable(tools: readonly ToolSummary[]): string {
  const header = `<thead><tr>${inventoryColumns.map((column) => `<th scope="col">${esc(column)}</th>`).join('')}</tr></thead>`;
  return `<table class="inventory">${header}<tbody>\n${tools.map(toolRow).join('\n')}\n</tbody></table>`;
}

function toolRow(summary: ToolSummary): string {
  const { tool } = summary;
  const none = '<span class="muted">—</span>';
  const codes = (items: readonly string[], separator: string): string => (items.length === 0 ? none : items.map((item) => `<code>${esc(item)}</code>`).join(separator));
  const cells = [
    `<code>${esc(summary.label)}</code>${tool.kind === 'tool' ? '' : ` <span class="muted">(${esc(tool.kind)})</span>`}`,
    `<code>${esc(summary.location)}</code>`,
    tool.requiresAuth ? '<span class="yes">✔ requireAuth</span>' : '<span class="no">✖ none</span>',
    codes(tool.scopeGates, '<br>'),
    codes(tool.identityFields, ', '),
    codes(tool.credentialFields, ', '),
    summary.unscopedSinks.length > 0 ? `<span class="unscoped">${esc(dataAccessSummary(summary))}</span>` : esc(dataAccessSummary(summary)),
    String(summary.findings.length),
  ];
  return `<tr>${cells.map((cell, index) => `<td${index === cells.length - 1 ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`;
}

function ruleSection(group: RuleGroup, linesOf: (file: string) => readonly string[] | undefined): string {
  const heading = `<h3><a href="${esc(ruleDocsUrl(group.rule.id))}">${esc(group.rule.id)}</a> <span class="muted">${esc(group.counts)}</span></h3>`;
  return [`<section class="rule">`, heading, `<p>${esc(group.rule.description)}</p>`, ...group.findings.map((finding) => findingArticle(finding, linesOf(finding.file))), '</section>'].join('\n');
}

function findingArticle(finding: ReportFinding, lines: readonly string[] | undefined): string {
  const about = [finding.tool === null ? '' : `tool <code>${esc(finding.tool)}</code>`, finding.confidence === 'high' ? '' : `${esc(finding.confidence)} confidence`].filter(Boolean);
  const parts = [
    `<article class="finding ${esc(finding.severity)}">`,
    `<p><span class="severity">${esc(finding.severity)}</span> <code>${esc(positionOf(finding))}</code>${about.length === 0 ? '' : ` <span class="muted">${about.join(', ')}</span>`}</p>`,
    `<p>${esc(finding.message)}</p>`,
  ];
  const frame = lines === undefined ? undefined : codeFrame(lines, finding);
  if (frame !== undefined) parts.push(`<pre class="frame"><code>${frame.map(frameLine).join('\n')}</code></pre>`);
  const path = flowPath(finding);
  if (path.length > 0) {
    const steps = path.map((step) => `<li><span class="role">${esc(step.role)}</span> <code>${esc(positionOf(step))}</code> ${esc(step.message)}</li>`);
    parts.push(`<details><summary>Source → sink flow (${plural(path.length, 'step')})</summary><ol>${steps.join('')}</ol></details>`);
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

function notesList(notes: readonly ReportNote[]): string {
  return `<ul>${notes.map((note) => `<li>${note.file === undefined ? '' : `<code>${esc(note.file)}</code>: `}${esc(note.message)}</li>`).join('')}</ul>`;
}
