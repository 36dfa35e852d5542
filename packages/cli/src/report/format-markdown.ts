import { ruleDocsUrl } from '@mcify-audit/analyzer';
import { splitLines } from './code-frame.js';
import { findingsByRule, flowPath, positionOf, type RuleGroup } from './finding-view.js';
import { dataAccessSummary, inventoryColumns, noToolsMessage, notesAfterInventory, overviewCounts, summarizeTools, type ToolSummary } from './inventory-summary.js';
import { printable } from './printable.js';
import type { Formatter, ReportNote } from './report.js';
import { verdictOf } from './verdict.js';

/**
 * Untrusted text (messages, names and paths from the analysed code) as literal GitHub-flavoured
 * Markdown, safe in a table cell and in running text: `<`, `>` and `&` become entities, so no HTML
 * gets through; the punctuation that makes emphasis, code spans, links, strikethrough or a cell
 * boundary (`|`) is backslash-escaped; line breaks become `<br>` so a row stays one line. Text that
 * starts a line goes through `mdLine` instead.
 */
function md(text: string): string {
  return splitLines(text)
    .map((line) =>
      printable(line)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/[\\`*_[\]|~]/g, '\\$&'),
    )
    .join('<br>');
}

/** Like `md`, for text at the start of a line: a leading `#`, `-`, `+`, `=` or `1.` cannot start a heading or a list. */
function mdLine(text: string): string {
  return md(text).replace(/^(\s*)(?:([#+=-])|(\d+)([.)]))/, (_match, space: string, marker: string | undefined, digits: string | undefined, dot: string | undefined) =>
    marker === undefined ? `${space}${digits ?? ''}\\${dot ?? ''}` : `${space}\\${marker}`,
  );
}

/**
 * Untrusted text in monospace. An HTML `<code>` element rather than a backtick code span: inside a code
 * span nothing can be escaped (a backtick in the text would end it), while inside `<code>` the escapes
 * of `md` still apply.
 */
function code(text: string): string {
  return `<code>${md(text)}</code>`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

const emptyCell = '—';

/**
 * GitHub-flavoured Markdown for a pull-request comment: a heading with the verdict, the overview counts,
 * the tool inventory as a table (tool × auth, scope gate, identity and credential fields, data access,
 * findings), the findings grouped by rule with a link to each rule's documentation and their
 * source→sink flows folded in `<details>`, then the notes. Every string from the report is escaped
 * (see `md`), so code under review cannot break the tables or inject HTML. No trailing newline.
 *
 * @example
 * ```ts
 * await writeFile('report.md', formatMarkdown(report, { cwd, sourceOf, color: false }));
 * ```
 */
export const formatMarkdown: Formatter = (report) => {
  const verdict = verdictOf(report);
  const tools = summarizeTools(report);
  const sections = [
    `## ${verdict.clean ? '✅' : report.summary.errors > 0 ? '❌' : '⚠️'} mcify-audit: ${verdict.problems}`,
    `${verdict.scope} analysed by mcify-audit ${md(report.tool.version)}.`,
    table(['', 'count'], overviewCounts(report, tools).map(({ label, value }) => [label, String(value)])),
    '### Tools',
    tools.length === 0 ? mdLine(noToolsMessage) : table(inventoryColumns, tools.map(toolRow)),
  ];
  if (report.findings.length > 0) sections.push('### Findings', ...findingsByRule(report.findings).flatMap(ruleSection));
  if (notesAfterInventory(report).length > 0) sections.push('### Notes', notesList(notesAfterInventory(report)));
  return sections.join('\n\n');
};

function toolRow(summary: ToolSummary): string[] {
  const { tool } = summary;
  const list = (items: readonly string[]): string => (items.length === 0 ? emptyCell : items.map(code).join(', '));
  return [
    `${code(summary.label)}${tool.kind === 'tool' ? '' : ` (${tool.kind})`}`,
    code(summary.location),
    tool.requiresAuth ? '✅' : '❌',
    tool.scopeGates.length === 0 ? emptyCell : tool.scopeGates.map(code).join('<br>'),
    list(tool.identityFields),
    list(tool.credentialFields),
    `${dataAccessSummary(summary)}${summary.unscopedSinks.length > 0 ? ' ⚠️' : ''}`,
    String(summary.findings.length),
  ];
}

function ruleSection(group: RuleGroup): string[] {
  const rows = group.findings.map((finding) => [
    finding.severity,
    code(positionOf(finding)),
    finding.tool === null ? emptyCell : code(finding.tool),
    `${md(finding.message)}${finding.confidence === 'high' ? '' : ` _(${finding.confidence} confidence)_`}`,
  ]);
  const section = [`#### [${md(group.rule.id)}](${ruleDocsUrl(group.rule.id)}): ${group.counts}`, mdLine(group.rule.description), table(['severity', 'location', 'tool', 'message'], rows)];
  const flows = group.findings.filter((finding) => finding.flow.length > 0);
  if (flows.length > 0) {
    // GitHub renders Markdown inside <details> only after a blank line; list items nest by indentation.
    const items = flows.map((finding) => {
      const steps = flowPath(finding).map((step, index) => `  ${index + 1}. ${step.role} ${code(positionOf(step))}: ${md(step.message)}`);
      return [`- ${code(positionOf(finding))}${finding.tool === null ? '' : ` in ${code(finding.tool)}`}`, ...steps].join('\n');
    });
    section.push(`<details>\n<summary>Source → sink flows (${flows.length})</summary>\n\n${items.join('\n')}\n\n</details>`);
  }
  return section;
}

function notesList(notes: readonly ReportNote[]): string {
  return notes.map((note) => note.file === undefined ? `- ${mdLine(note.message)}` : `- ${code(note.file)}: ${md(note.message)}`).join('\n');
}
